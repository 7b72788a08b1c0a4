"""`stance labels add|export`: the store of user labels that retraining learns from."""

from __future__ import annotations

import sys
from pathlib import Path

from stance_cli.options import add_command


def register(commands) -> None:
    group = add_command(commands, "labels", "the store of user labels retraining learns from (in STANCE_STATE_DIR)")
    sub = group.add_subparsers(dest="labels_command", required=True, metavar="COMMAND")
    p = add_command(sub, "add", "validate a file in the guide's format and store its new examples")
    p.add_argument("file", help="JSON Lines or CSV file in the labelling guide's format")
    p.set_defaults(handler=add)
    p = add_command(sub, "export", "write every stored example as JSON Lines in the guide's format")
    p.add_argument("file", help="the file to write")
    p.set_defaults(handler=export)


def add(args, extra) -> int:
    from classifier.config import RunConfig
    from serving.settings import Settings
    from training.data import LabelSpace
    from training.label_store import LabelStore, read_examples_file

    settings = Settings()
    space = LabelSpace.from_config(RunConfig.from_yaml(settings.retrain_config))
    records = read_examples_file(args.file, space)  # DataError: nothing stored, every bad line named
    intake = LabelStore.in_state_dir(settings.state_dir).add([r.data for r in records], space, source=f"file:{Path(args.file).name}")
    for rejected in intake.rejected:
        print(f"{args.file}:{records[rejected.index].line}: {rejected.reason}, not stored again", file=sys.stderr)
    print(f"stored {len(intake.accepted)} new example(s) from {args.file}; {len(intake.rejected)} duplicate(s)")
    return 0


def export(args, extra) -> int:
    from serving.settings import Settings
    from training.label_store import LabelStore

    written = LabelStore.in_state_dir(Settings().state_dir).export(args.file)
    print(f"wrote {written} example(s) to {args.file}")
    return 0
