"""File names and integrity checks shared by base models and checkpoints."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from classifier.errors import CheckpointError

WEIGHTS_FILE = "model.safetensors"
HF_CONFIG_FILE = "config.json"
META_FILE = "stance.json"
RUN_CONFIG_FILE = "config.yaml"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
HEAD_FILE = "head.safetensors"  # the target head's weights (checkpoints with head "target")


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_checkpoint(directory: Path) -> None:
    """Refuse a checkpoint directory with a missing, truncated or altered file, naming it."""
    if not directory.is_dir():
        raise CheckpointError(f"checkpoint {directory} is not a directory")
    if problems := file_problems(directory):
        raise CheckpointError(f"checkpoint {directory}: {'; '.join(problems)}")


def require_files(directory: Path, names: tuple[str, ...], what: str) -> None:
    if not directory.is_dir():
        raise CheckpointError(f"{what} {directory} is not a directory")
    missing = [n for n in names if not (directory / n).is_file()]
    if missing:
        raise CheckpointError(f"{what} {directory} is missing {', '.join(missing)}")


def file_problems(directory: Path) -> list[str]:
    """What is wrong with a checkpoint's files, each problem naming its file relative to the
    checkpoint (no path, so it can be shown to an API caller): a required file missing, or a
    hashed one missing or not matching the SHA-256 that stance.json records (truncated or
    altered). Empty for an intact checkpoint. The one integrity check: loading, promotion and
    rollback all use it."""
    if not (directory / META_FILE).is_file():
        return [f"{META_FILE} is missing"]
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        recorded = meta.get("files", {})
    except (OSError, ValueError, AttributeError):
        return [f"{META_FILE} is unreadable"]
    needed = (HF_CONFIG_FILE, WEIGHTS_FILE, *TOKENIZER_FILES, *((HEAD_FILE,) if meta.get("head") == "target" else ()))
    required = [name for name in needed if name not in recorded]
    problems = [f"{name} is missing" for name in required if not (directory / name).is_file()]
    for name, expected in recorded.items():
        if not (directory / name).is_file():
            problems.append(f"{name} is missing")
        elif sha256_file(directory / name) != expected:
            problems.append(f"{name} does not match the hash recorded in {META_FILE} (truncated or altered)")
    return problems
