"""The declarative run configuration: one YAML file drives a training run.

The defaults below are the package's default configuration: `RunConfig()` builds the default
model. `configs/default.yaml` holds the same values with every key commented, plus the data
paths (a test keeps the two equal). Relative paths in a config file are read relative to the
file's directory; paths given as overrides on the command line, relative to where it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from classifier.errors import ConfigError
from classifier.labels import STANCES
from classifier.packaged_bases import DEFAULT_BASE, PACKAGED_BASES

# Where `make model` writes the default checkpoint, and where the commands and the service look for it.
DEFAULT_CHECKPOINT = "checkpoints/default"
# The default base's weights, as classifier/packaged_bases.py pins them.
PINNED_BASE_SHA256 = PACKAGED_BASES[DEFAULT_BASE].weights_sha256
TargetEncoding = Literal["pair", "markers", "shared"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelConfig(_Section):
    # A packaged base's name (classifier/packaged_bases.py) or a local Hugging Face directory.
    base: str = DEFAULT_BASE
    # Packaged bases are checked against their own pins; this is for a local directory.
    base_sha256: str | None = None
    target_encoding: TargetEncoding = "shared"
    head: Literal["cls", "target"] = "target"
    max_length: int = Field(default=128, ge=16, le=512)
    # Read the line's development (a short phrase) as the second text segment. Trained with it
    # dropped in a share of steps (training.development_dropout), the model works either way.
    development_input: bool = True

    @field_validator("base", mode="before")
    @classmethod
    def _null_is_the_default_base(cls, value: Any) -> Any:
        return DEFAULT_BASE if value is None else value

    @model_validator(mode="after")
    def _shared_needs_target_head(self) -> ModelConfig:
        if self.target_encoding == "shared" and self.head != "target":
            raise ValueError("target_encoding 'shared' reads each country off its mention tokens: it needs head 'target'")
        return self


class DataConfig(_Section):
    train: str | None = None
    dev: str | None = None
    # Soft-label files (training/distill.py): pool sentences with a teacher's probabilities,
    # trained on beside `train` (distillation). Empty for a model trained on gold labels only.
    soft: list[str] = Field(default_factory=list)
    label_map: dict[str, str] = Field(default_factory=dict)


class TrainingConfig(_Section):
    epochs: int = Field(default=2, ge=1)
    batch_size: int = Field(default=8, ge=1)
    # What batch_size counts: pairs, or whole sentences (all the countries of a sentence in one
    # batch, so they share one forward pass under the shared encoding).
    batch_unit: Literal["pairs", "sentences"] = "sentences"
    learning_rate: float = Field(default=5e-5, gt=0)
    weight_decay: float = Field(default=0.01, ge=0)
    warmup_ratio: float = Field(default=0.1, ge=0, le=1)
    class_weighted: bool = True
    early_stopping_patience: int = Field(default=2, ge=1)
    seed: int = 13
    max_train_samples: int | None = Field(default=None, ge=1)
    num_threads: int | None = Field(default=None, ge=1)
    precision: Literal["auto", "fp32", "bf16"] = "auto"
    # Batches of similar lengths (shuffled in windows of 50 batches): less padding, faster steps.
    group_by_length: bool = True
    # Share of training sentences whose development is withheld in each epoch, so the model also
    # learns to find the development itself (users need not name one).
    development_dropout: float = Field(default=0.3, ge=0, le=1)
    # Fit a softmax temperature on dev after training (stored in the checkpoint, applied in scoring).
    calibrate: bool = True
    # Weight of a soft-labelled pair's loss (cross-entropy against the teacher's probabilities)
    # relative to a gold pair's.
    soft_weight: float = Field(default=1.0, ge=0)
    # Distillation temperature: above 1 the teacher's probabilities are softened (p^(1/T)) and the
    # student's logits divided by T, so the loss also carries how the teacher ranks the labels it
    # did not pick; the soft loss is scaled by T^2. 1 uses the probabilities as they are.
    soft_temperature: float = Field(default=1.0, gt=0)


class InferenceConfig(_Section):
    """How a trained checkpoint runs when it is loaded: not part of how it is trained."""

    precision: Literal["auto", "fp32", "bf16", "int8"] = Field(
        default="auto", description="auto: bf16 where the CPU has AVX-512 BF16 or AMX, fp32 elsewhere"
    )


class RetrainConfig(_Section):
    """How a retraining job weighs the stored labels and when its checkpoint may replace the served one."""

    label_repeats: int = Field(default=1, ge=1, description="each stored example is trained on this many times")
    # Margins are allowed to be negative: -0.01 means "must improve macro-F1 by at least 0.01".
    max_macro_f1_drop: float = Field(default=0.005, description="largest macro-F1 loss on eval_files still promoted")
    max_label_f1_drop: float = Field(default=0.02, description="largest F1 loss of any one label still promoted")
    eval_files: list[str] = Field(
        default_factory=lambda: ["data/dev.jsonl", "data/test.jsonl"], min_length=1,
        description="the fixed set the candidate and the served model are both scored on",
    )


class RunConfig(_Section):
    model: ModelConfig = Field(default_factory=ModelConfig)
    labels: list[str] = Field(default_factory=lambda: list(STANCES))
    data: DataConfig = Field(default_factory=DataConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    retrain: RetrainConfig = Field(default_factory=RetrainConfig)
    inference: InferenceConfig = Field(default_factory=InferenceConfig)

    @field_validator("labels")
    @classmethod
    def _distinct_labels(cls, labels: list[str]) -> list[str]:
        # The order is the head's output order; the names are the guide's, fixed.
        if sorted(labels) != sorted(STANCES):
            raise ValueError(f"labels must be the three stances {list(STANCES)} in some order, but it was: {labels}")
        return labels

    def map_label(self, raw: str) -> str:
        """The model label for a label as written in a data file."""
        return self.data.label_map.get(raw, raw)

    @classmethod
    def from_yaml(cls, path: str | Path, overrides: dict[str, Any] | None = None) -> RunConfig:
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise ConfigError(f"cannot read config {path}: {err}") from err
        if not isinstance(raw, dict):
            raise ConfigError(f"config {path} must be a mapping at the top, but it was: {type(raw).__name__}")
        _resolve_paths(raw, path.resolve().parent)
        for dotted, value in (overrides or {}).items():
            _set_dotted(raw, dotted, value)
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def from_dict(cls, raw: dict[str, Any], source: str = "config") -> RunConfig:
        try:
            return cls.model_validate(raw)
        except ValidationError as err:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})" for e in err.errors()
            )
            raise ConfigError(f"invalid {source}: {problems}") from None

    def with_absolute_paths(self, directory: str | Path | None = None) -> RunConfig:
        """The same config with its relative paths made absolute against `directory` (default: the
        current directory, where a relative path given on the command line points)."""
        raw = self.model_dump(mode="json")
        _resolve_paths(raw, Path(directory or Path.cwd()).resolve())
        return type(self).model_validate(raw)

    def to_yaml(self) -> str:
        """The config as YAML, its paths absolute: the file means the same files wherever it is
        saved (a checkpoint's config.yaml) and read back."""
        return yaml.safe_dump(self.with_absolute_paths().model_dump(mode="json"), sort_keys=False)


# Keys that hold file or directory paths: (section, key).
PATH_KEYS = (("data", "train"), ("data", "dev"), ("data", "soft"), ("model", "base"), ("retrain", "eval_files"))


def _resolve_paths(raw: dict[str, Any], directory: Path) -> None:
    """Make the relative paths of a config file absolute, against the file's directory, so a
    config means the same files whatever directory a command runs in."""
    def resolved(value: Any) -> Any:
        if value in PACKAGED_BASES:  # a packaged base's name, not a path
            return value
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            return str((directory / value).resolve())
        return value

    for section, key in PATH_KEYS:
        node = raw.get(section)
        if isinstance(node, dict) and key in node:
            value = node[key]
            node[key] = [resolved(v) for v in value] if isinstance(value, list) else resolved(value)


def _set_dotted(raw: dict[str, Any], dotted: str, value: Any) -> None:
    """Apply `training.epochs=3`-style overrides; the value is parsed as YAML (so 3 is an int)."""
    *parents, leaf = dotted.split(".")
    node = raw
    for key in parents:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"cannot override {dotted}: {key} is not a section")
    node[leaf] = yaml.safe_load(value) if isinstance(value, str) else value
