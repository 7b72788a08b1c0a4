"""Retraining jobs on disk: one directory each under `<state>/jobs/`, one running at a time.

    jobs/<id>/job.json       what the job is (its spec) and where it stands (state, verdict, error)
    jobs/<id>/progress.json  the latest training progress (epoch, step, dev macro-F1)
    jobs/<id>/job.log        the job's log

A job runs while its process holds `<state>/retrain.lock` (an flock, which the kernel releases
when the process dies however it dies). So a job that says "running" while nobody holds the lock
for it was killed or crashed, and is reported, and recorded, as failed.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Literal

from pydantic import BaseModel

from classifier.errors import JobNotFound, RetrainBusy

from classifier.durable_files import write_atomically
from training.registry import VERSION_PATTERN, check_version
from training.versions import new_version, timestamp

JOBS_DIR = "jobs"
JOB_LOCK_FILE = "retrain.lock"  # held by the one running retraining job
JOB_FILE = "job.json"
PROGRESS_FILE = "progress.json"
LOG_FILE = "job.log"
LOG_TAIL_LINES = 40
# Job ids are made like versions: they sort by time and are never paths.
JOB_ID_PATTERN = VERSION_PATTERN

JobState = Literal["queued", "running", "succeeded", "rejected", "failed"]
FINISHED: frozenset[str] = frozenset({"succeeded", "rejected", "failed"})


class JobSpec(BaseModel):
    """Everything a job process needs, written into job.json so it needs nothing else."""

    config: str
    force: bool = False
    state_dir: str
    checkpoints_dir: str
    fallback_checkpoint: str


class Job:
    def __init__(self, directory: Path) -> None:
        self.dir = directory

    @property
    def id(self) -> str:
        return self.dir.name

    @property
    def log_path(self) -> Path:
        return self.dir / LOG_FILE

    def record(self) -> dict[str, Any]:
        return json.loads((self.dir / JOB_FILE).read_text(encoding="utf-8"))

    @property
    def spec(self) -> JobSpec:
        return JobSpec.model_validate(self.record()["spec"])

    def update(self, **fields: Any) -> dict[str, Any]:
        record = {**self.record(), **fields}
        write_atomically(self.dir / JOB_FILE, json.dumps(record, indent=2, ensure_ascii=False))
        return record

    def start(self) -> dict[str, Any]:
        return self.update(state="running", started_at=timestamp(), pid=os.getpid())

    def finish(self, state: JobState, **fields: Any) -> dict[str, Any]:
        return self.update(state=state, finished_at=timestamp(), **fields)

    def report_progress(self, update: dict[str, Any]) -> None:
        """Merge a progress event (from `train(progress=...)` or a phase change) into progress.json."""
        write_atomically(self.dir / PROGRESS_FILE, json.dumps({**self.progress(), **update}), durable=False)

    def progress(self) -> dict[str, Any]:
        try:
            return json.loads((self.dir / PROGRESS_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> list[str]:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        except FileNotFoundError:
            return []


class Jobs:
    def __init__(self, state_dir: str | Path) -> None:
        self.state_dir = Path(state_dir)
        self.directory = self.state_dir / JOBS_DIR

    def create(self, spec: JobSpec) -> Job:
        job = Job(self.directory / new_version())
        job.dir.mkdir(parents=True)
        write_atomically(job.dir / JOB_FILE, json.dumps(
            {"id": job.id, "state": "queued", "created_at": timestamp(), "spec": spec.model_dump()}, indent=2
        ))
        return job

    def get(self, job_id: str) -> Job:
        check_version(job_id)
        job = Job(self.directory / job_id)
        if not (job.dir / JOB_FILE).is_file():
            raise JobNotFound(job_id)
        return job

    def status(self, job: Job) -> dict[str, Any]:
        """job.json, with a running job whose process is gone recorded as failed, plus progress
        and the log's tail."""
        # The lock is looked at first: a job records its end before it lets go of the lock, so a
        # job still "running" after the lock was seen free is dead.
        holder = self.active()
        record = job.record()
        if record["state"] == "running" and holder != job.id:
            record = job.finish("failed", error="the job process stopped before finishing (killed or crashed)")
        return {**record, "progress": job.progress(), "log_tail": job.log_tail()}

    def fail_if_unfinished(self, job: Job, error: str) -> None:
        """For the launcher, once the job's process has exited: a job that did not get to record
        its own end did not end well."""
        if job.record()["state"] not in FINISHED:
            job.finish("failed", error=error)

    def active(self) -> str | None:
        """The id of the job holding the lock, or None when no job is running."""
        path = self.state_dir / JOB_LOCK_FILE
        if not path.exists():
            return None
        with open(path, encoding="utf-8") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                # Held: the holder writes its id right after taking the lock.
                return fh.read().strip() or "starting"
            fcntl.flock(fh, fcntl.LOCK_UN)
            return None

    @contextmanager
    def running(self, job: Job) -> Iterator[None]:
        """Hold the one-job lock while `job` runs. When another job holds it, `job` fails with
        RetrainBusy."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.state_dir / JOB_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                busy = RetrainBusy(os.pread(fd, 64, 0).decode().strip() or None)
                job.finish("failed", error=str(busy))
                raise busy from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, job.id.encode(), 0)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock
