"""Retraining from the service: each job runs in a child process (`python -m training.retrain_job`),
so training neither blocks the event loop nor competes with it for the GIL, and a crash of the
job cannot take the service down. One job at a time; a thread waits for each to exit, records
it as failed if it died without saying how it ended, and lets the served model follow the
pointer the job may have moved."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from serving.settings import Settings
from training.jobs import Job, Jobs, JobSpec, RetrainBusy


def job_spec(settings: Settings, force: bool, config: str | None = None) -> JobSpec:
    """A job as the service is configured. Paths are made absolute: the job may run elsewhere."""
    def absolute(path: str) -> str:
        return str(Path(path).resolve())

    return JobSpec(
        config=absolute(config or settings.retrain_config),
        force=force,
        state_dir=absolute(settings.state_dir),
        checkpoints_dir=absolute(settings.checkpoints_dir),
        fallback_checkpoint=absolute(settings.checkpoint),
    )


def job_command(job: Job) -> list[str]:
    return [sys.executable, "-m", "training.retrain_job", str(job.dir)]


class RetrainRunner:
    def __init__(self, jobs: Jobs, on_finished: Callable[[], None]) -> None:
        self.jobs = jobs
        self._on_finished = on_finished
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._job: Job | None = None

    def start(self, spec: JobSpec) -> Job:
        """Queue a job and start its process; RetrainBusy while another job runs, here or in
        another process."""
        with self._lock:
            # Our own child counts from the moment it is started, before it takes the lock.
            if self._process is not None and self._process.poll() is None:
                raise RetrainBusy(self._job.id)
            if active := self.jobs.active():
                raise RetrainBusy(active)
            job = self.jobs.create(spec)
            try:
                with open(job.log_path, "ab") as log:
                    process = subprocess.Popen(job_command(job), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            except OSError as err:
                job.finish("failed", error=f"could not start the job process: {err}")
                raise
            self._process, self._job = process, job
        threading.Thread(target=self._wait, args=(job, process), name=f"retrain-{job.id}", daemon=True).start()
        return job

    def _wait(self, job: Job, process: subprocess.Popen) -> None:
        code = process.wait()
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        self.jobs.fail_if_unfinished(job, f"the job process stopped before finishing ({how})")
        self._on_finished()
