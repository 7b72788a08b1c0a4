"""`stance retrain` and `stance rollback`: new versions from the stored labels, and going back."""

from __future__ import annotations

from stance_cli.options import add_command


def register(commands) -> None:
    p = add_command(commands, "retrain", "train on data.train plus the stored labels, compare with the served model, promote if not worse")
    p.add_argument("--config", help="run config (default: STANCE_RETRAIN_CONFIG, configs/default.yaml)")
    p.add_argument("--force", action="store_true", help="promote even if the new checkpoint fails the promotion test")
    p.set_defaults(handler=retrain)
    p = add_command(commands, "rollback", "serve the version served before the current one (in STANCE_CHECKPOINTS_DIR)")
    p.set_defaults(handler=rollback)


def retrain(args, extra) -> int:
    from serving.retrain_runner import job_spec
    from serving.settings import Settings
    from training.jobs import Jobs
    from training.retrain import print_outcome, run_job

    settings = Settings()
    jobs = Jobs(settings.state_dir)
    job = jobs.create(job_spec(settings, force=args.force, config=args.config))
    return print_outcome(run_job(job, jobs, echo=True))


def rollback(args, extra) -> int:
    from serving.settings import Settings
    from training.registry import Registry

    settings = Settings()
    current, left = Registry(settings.checkpoints_dir).rollback()
    print(f"rolled back from {left}; now serving {current or settings.checkpoint} (a running service follows within a request)")
    return 0
