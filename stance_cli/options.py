"""What the command modules share: subcommands whose --help shows every default, and config overrides."""

from __future__ import annotations

import argparse
from typing import Sequence

from classifier.config import DEFAULT_CHECKPOINT
from classifier.errors import UsageError

__all__ = ["DEFAULT_CHECKPOINT", "add_command", "config_overrides"]


def add_command(commands, name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
    """A subcommand whose --help shows every option's default."""
    return commands.add_parser(name, help=help, description=description or help,
                               formatter_class=argparse.ArgumentDefaultsHelpFormatter)


def config_overrides(extra: Sequence[str]) -> dict[str, str]:
    """`--training.epochs 3` or `--training.epochs=3` pairs from the arguments argparse left over."""
    out, items = {}, list(extra)
    while items:
        key = items.pop(0)
        if not key.startswith("--") or "." not in key:
            raise UsageError(f"unrecognised argument {key!r}: config overrides look like --section.key VALUE")
        key = key[2:]
        if "=" in key:
            key, value = key.split("=", 1)
        elif items:
            value = items.pop(0)
        else:
            raise UsageError(f"--{key} needs a value")
        out[key] = value
    return out
