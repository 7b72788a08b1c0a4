"""File names and integrity checks shared by base models and checkpoints."""

from __future__ import annotations

import hashlib
from pathlib import Path

WEIGHTS_FILE = "model.safetensors"
HF_CONFIG_FILE = "config.json"
META_FILE = "stance.json"
RUN_CONFIG_FILE = "config.yaml"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


class CheckpointError(ValueError):
    """A model directory is missing, incomplete or does not match what it claims to be."""


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_files(directory: Path, names: tuple[str, ...], what: str) -> None:
    if not directory.is_dir():
        raise CheckpointError(f"{what} {directory} is not a directory")
    missing = [n for n in names if not (directory / n).is_file()]
    if missing:
        raise CheckpointError(f"{what} {directory} is missing {', '.join(missing)}")
