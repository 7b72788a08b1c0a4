"""Retraining job processes that SIGKILL themselves (as the OOM killer or a power cut would end
them: no handler runs, nothing is flushed) when they reach a named stage:

    python fault_job.py STAGE JOB_DIR [STAGE JOB_DIR ...]

Each job is a child forked after the imports, running the real `stance retrain --job-dir
JOB_DIR` with the one real function it calls at its STAGE wrapped to kill it there. Forking
pays for importing torch once instead of once per job. Prints {JOB_DIR: exit code} as JSON."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def kill_at_training_step(step: int) -> None:
    from training.jobs import Job

    report = Job.report_progress
    Job.report_progress = lambda self, update: die() if update.get("step") == step else report(self, update)


def kill_while_writing_the_checkpoint() -> None:
    # The weights are in the staging directory by then; the tokenizer and stance.json are not.
    from classifier.model import StanceClassifier

    save = StanceClassifier.save_pretrained

    def save_then_die(self, *args, **kwargs):
        self.tokenizer.save_pretrained = die
        return save(self, *args, **kwargs)

    StanceClassifier.save_pretrained = save_then_die


def kill_before_the_verdict() -> None:
    from training.registry import Registry

    Registry.record_decision = die


def kill_when_writing(name: str) -> None:
    # The pointer is written by write_atomically (temporary file, fsync, rename): dying in it
    # before the rename leaves the temporary file and the old pointer.
    import classifier.durable_files as durable

    replace = durable.os.replace
    durable.os.replace = lambda src, dst: die() if Path(dst).name == name else replace(src, dst)


def kill_after_history_before_pointer() -> None:
    import training.registry as registry

    write = registry.write_atomically
    registry.write_atomically = lambda path, *a, **k: die() if Path(path).name == registry.CURRENT_FILE else write(path, *a, **k)


STAGES = {
    "mid-training (step 2)": lambda: kill_at_training_step(2),
    "while writing the checkpoint (weights written, tokenizer and stance.json not yet)": kill_while_writing_the_checkpoint,
    "checkpoint complete, before the promotion verdict": kill_before_the_verdict,
    "promotion: history appended, CURRENT not yet replaced": kill_after_history_before_pointer,
    "promotion: new CURRENT in its temporary file, not yet renamed": lambda: kill_when_writing("CURRENT"),
}


def run_killed_jobs(pairs: list[tuple[str, str]]) -> dict[str, int]:
    import torch

    from training.retrain_job import main  # imported before the fork, for every child

    children = {}
    for stage, job_dir in pairs:
        if (pid := os.fork()) == 0:
            torch.set_num_threads(1)  # the jobs run side by side
            STAGES[stage]()
            os._exit(main([job_dir]))
        children[pid] = job_dir
    return {job_dir: os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid, job_dir in children.items()}


if __name__ == "__main__":
    arguments = sys.argv[1:]
    print(json.dumps(run_killed_jobs(list(zip(arguments[::2], arguments[1::2])))))
