"""Where the encoder to fine-tune comes from, and proof that it is the one we pinned."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from classifier.checkpoint_files import (
    HF_CONFIG_FILE,
    TOKENIZER_FILES,
    WEIGHTS_FILE,
    CheckpointError,
    require_files,
    sha256_file,
)
from classifier.config import ModelConfig
from classifier.packaged_bases import DEFAULT_BASE, PACKAGED_BASES, packaged_base


@dataclass(frozen=True)
class VerifiedBase:
    path: Path
    name: str
    sha256: str


def packaged_base_path(name: str = DEFAULT_BASE) -> Path:
    return PACKAGED_BASES[name].locate()


def resolve_base(config: ModelConfig) -> VerifiedBase:
    """The base model directory named by the config, its weights verified.

    `model.base` is a packaged base's name (null = the default, all-minilm-l6-v2) or a local
    Hugging Face directory. A packaged base must match its pinned hash (and `model.base_sha256`,
    if the config gives one, must agree with the pin); a local directory is checked only when
    the config gives a hash. A mismatch is refused: fine-tuning unknown weights would make the
    checkpoint's provenance a lie.
    """
    packaged = packaged_base(config.base or DEFAULT_BASE)
    if packaged is not None:
        if config.base_sha256 is not None and config.base_sha256 != packaged.weights_sha256:
            raise CheckpointError(
                f"model.base_sha256 {config.base_sha256} is not the pinned hash of the packaged base "
                f"{packaged.name!r} ({packaged.weights_sha256}): leave it null for a packaged base"
            )
        path, name, expected = packaged.locate(), packaged.description, packaged.weights_sha256
    else:
        path = Path(config.base).expanduser().resolve()
        if not path.is_dir():
            raise CheckpointError(
                f"model.base {config.base!r} is neither a packaged base ({', '.join(PACKAGED_BASES)}) nor a local model directory"
            )
        name, expected = str(path), config.base_sha256
    require_files(path, (HF_CONFIG_FILE, WEIGHTS_FILE, *TOKENIZER_FILES[:1]), "base model")
    actual = sha256_file(path / WEIGHTS_FILE)
    if expected is not None and actual != expected:
        raise CheckpointError(
            f"base model weights {path / WEIGHTS_FILE} have SHA-256 {actual}, expected {expected}: "
            "refusing to fine-tune an unverified model (set model.base_sha256 to the right hash, "
            "or to null for a custom base you trust)"
        )
    return VerifiedBase(path=path, name=name, sha256=actual)
