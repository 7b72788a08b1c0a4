"""`stance train`: fine-tune a checkpoint from a run config."""

from __future__ import annotations

import json
from pathlib import Path

from stance_cli.options import add_command, config_overrides


def register(commands) -> None:
    p = add_command(commands, "train", "fine-tune a checkpoint from a run config",
                    "Fine-tune a checkpoint. Extra --section.key VALUE options override keys of the config "
                    "(--training.epochs 3).")
    p.add_argument("--config", required=True, help="the run config (YAML)")
    p.add_argument("--train", help="training file (overrides data.train)")
    p.add_argument("--dev", help="dev file (overrides data.dev)")
    p.add_argument("--output", required=True, help="checkpoint directory to write")
    p.add_argument("--if-stale", action="store_true", help="do nothing when --output was built from this config and data")
    p.set_defaults(handler=run, accepts_overrides=True)


def run(args, extra) -> int:
    from classifier.config import RunConfig
    from training.train import is_current, train

    overrides = config_overrides(extra)
    if args.train:
        overrides["data.train"] = args.train
    if args.dev:
        overrides["data.dev"] = args.dev
    config = RunConfig.from_yaml(args.config, overrides)
    if args.if_stale and is_current(args.output, config):
        print(f"{args.output} is up to date with {args.config} and its data; nothing to do")
        return 0
    path = train(config, args.output)
    meta = json.loads((Path(path) / "stance.json").read_text())
    print(f"saved {path} (version {meta['version']}, best epoch {meta['metrics']['best_epoch']}, "
          f"dev macro-F1 {meta['metrics']['dev']['macro_f1']:.4f})")
    return 0
