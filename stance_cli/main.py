"""`stance`: the entry point. Builds the parser from the command modules and maps errors to exit
codes once: 0 success, 1 a failed operation (a StanceError or a file the system refused, told in
one line), 2 a usage error. Any other exception is a bug and shows its traceback."""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Sequence

from classifier.errors import StanceError
from stance_cli import data, evaluate, labels, predict, retrain, serve, soft_label, timeline, train

COMMANDS = (train, soft_label, evaluate, predict, timeline, serve, labels, retrain, data)
PACKAGE = "country-stance"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "accepts_overrides", False):
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        return args.handler(args, extra)
    except StanceError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except OSError as err:
        # A file that is missing, unreadable or unwritable, a full disk: the operation failed,
        # and the system's message says why.
        print(f"error: {err}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description="Per-sentence, per-country stance classification.",
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def package_version() -> str:
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
