"""`python -m training.retrain_job JOB_DIR`: run one queued retraining job to its end.

The service queues a job (serving/retrain_runner.py) and starts this in a child process, so that
training neither blocks the event loop nor can take the service down. The job directory's
job.json says everything the job needs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from classifier.errors import StanceError
from training.jobs import Job, Jobs
from training.retrain import print_outcome, run_job


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m training.retrain_job JOB_DIR", file=sys.stderr)
        return 2
    job = Job(Path(args[0]))
    try:
        return print_outcome(run_job(job, Jobs(job.spec.state_dir)))
    except StanceError as err:  # another job is running, a bad config: recorded in the job too
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
