"""The target-dependent stance classifier: a fine-tuned encoder with a classification head.

A checkpoint directory describes itself (see `save_pretrained`): Hugging Face weights, config and
tokenizer, plus `stance.json` (labels, target encoding, base model and its hash, training
config, data hashes, metrics, library versions, file hashes) and the run's `config.yaml`.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from classifier.checkpoint_files import (
    HF_CONFIG_FILE,
    META_FILE,
    TOKENIZER_FILES,
    WEIGHTS_FILE,
    CheckpointError,
    sha256_file,
    verify_checkpoint,
)
from classifier.document import DocumentAnalysis, analyse_document
from classifier.durable_files import fsync_files
from classifier.encoding import SHARED_ENCODINGS, encode_pair
from classifier.heads import HEAD_FILE, TargetPooledClassifier, target_token_mask
from classifier.pairs import PairPrediction, StancePair, polarity
from classifier.precision import autocast, prepare_for_inference
from classifier.precision import resolve as resolve_precision

FORMAT_VERSION = 1
CHECKED_FILES = (WEIGHTS_FILE, HF_CONFIG_FILE)
PREDICT_BATCH_SIZE = 64


class StanceClassifier:
    def __init__(self, model, tokenizer, meta: dict[str, Any], precision: str = "fp32") -> None:
        self.precision = resolve_precision(precision)
        self.model = prepare_for_inference(model, self.precision).eval()
        self.tokenizer = tokenizer
        self.meta = meta
        self.labels: list[str] = list(meta["labels"])
        self.target_encoding: str = meta["target_encoding"]
        self.max_length: int = int(meta["max_length"])
        self.head: str = meta.get("head", "cls")
        # Checkpoints from before the development input never saw one: they ignore it.
        self.reads_development: bool = bool(meta.get("development_input", False))
        # Temperature scaling fitted on dev after training (training.calibration): the logits are
        # divided by it before the softmax. 1.0 for checkpoints without a fitted temperature.
        self.temperature: float = float(meta.get("calibration", {}).get("temperature", 1.0))

    @property
    def version(self) -> str:
        return self.meta.get("version", "unversioned")

    @property
    def max_chars(self) -> int:
        # Rough characters-per-token budget for cutting long sentences to a window around the
        # mention before tokenising; the tokenizer's own truncation is the hard limit.
        return max(64, (self.max_length - 16) * 4)

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_base(
        cls, base_path: str | Path, labels: Sequence[str], target_encoding: str, max_length: int, head: str = "cls",
        development_input: bool = False,
    ) -> StanceClassifier:
        """A fresh classifier: the base encoder with a new, randomly initialised head."""
        labels = list(labels)
        if head == "target":
            model = TargetPooledClassifier.from_base(base_path, labels)
        else:
            model = AutoModelForSequenceClassification.from_pretrained(
                str(base_path),
                num_labels=len(labels),
                id2label=dict(enumerate(labels)),
                label2id={label: i for i, label in enumerate(labels)},
            )
        tokenizer = AutoTokenizer.from_pretrained(str(base_path))
        meta = {"labels": labels, "target_encoding": target_encoding, "max_length": max_length, "head": head,
                "development_input": development_input}
        return cls(model, tokenizer, meta)

    @classmethod
    def from_pretrained(cls, directory: str | Path, precision: str | None = None) -> StanceClassifier:
        """Load a checkpoint, refusing one with missing, truncated or altered files. It runs at
        `precision`, or else at the one its run config's `inference.precision` names."""
        directory = Path(directory)
        verify_checkpoint(directory)
        meta = read_meta(directory)
        target_head = meta.get("head", "cls") == "target"
        try:
            if target_head:
                model = TargetPooledClassifier.from_pretrained(directory)
            else:
                model = AutoModelForSequenceClassification.from_pretrained(str(directory))
            tokenizer = AutoTokenizer.from_pretrained(str(directory))
        except (OSError, ValueError) as err:
            raise CheckpointError(f"checkpoint {directory} cannot be loaded: {err}") from err
        config_labels = [model.config.id2label[i] for i in range(len(model.config.id2label))]
        if config_labels != meta["labels"]:
            raise CheckpointError(
                f"checkpoint {directory}: labels in {HF_CONFIG_FILE} {config_labels} "
                f"differ from {META_FILE} {meta['labels']}"
            )
        return cls(model, tokenizer, meta, precision or configured_precision(meta))

    def at_precision(self, precision: str) -> StanceClassifier:
        """This classifier as it runs at `precision`: itself if it already does, else a copy with its
        own weights (bf16 casts them, so the fp32 weights of a model in training stay untouched).
        Training scores dev with it, so dev metrics and the fitted temperature are those of the
        model as it will be served."""
        if resolve_precision(precision) == self.precision:
            return self
        return StanceClassifier(copy.deepcopy(self.model), self.tokenizer, self.meta, precision)

    def save_pretrained(self, directory: str | Path, extra_files: dict[str, str] | None = None) -> Path:
        """Write the checkpoint to a temporary sibling and rename it into place, so a crash
        never leaves a half-written checkpoint under the final name."""
        if self.precision != "fp32":
            raise CheckpointError(f"a classifier loaded at {self.precision} cannot be saved: save the fp32 model it was loaded from")
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            self.model.save_pretrained(str(staging), safe_serialization=True)
            self.tokenizer.save_pretrained(str(staging))
            for name, content in (extra_files or {}).items():
                (staging / name).write_text(content, encoding="utf-8")
            meta = dict(self.meta, format_version=FORMAT_VERSION)
            checked = [name for name in (*CHECKED_FILES, HEAD_FILE) if (staging / name).is_file()]
            meta["files"] = {name: sha256_file(staging / name) for name in checked}
            (staging / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=False), encoding="utf-8")
            fsync_files(staging)
            if directory.exists():
                shutil.rmtree(directory)
            os.replace(staging, directory)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.meta = meta
        return directory

    # -- inference ------------------------------------------------------------------------------
    @property
    def shares_sentences(self) -> bool:
        """True when the pairs of one sentence share one encoder input (and forward pass)."""
        return self.target_encoding in SHARED_ENCODINGS

    def tokenize(self, pairs: Sequence[StancePair]):
        """Tokenised model inputs for pairs, and which of them were cut to a window.

        With the target head, pairs whose encoder input is the same (every country of a sentence
        under the shared encoding) get one row, and `pair_rows` says which row each pair reads."""
        encoded = [encode_pair(p, self.target_encoding, self.max_chars, self.reads_development) for p in pairs]
        target_head = self.head == "target"
        rows: dict[tuple[str, str], int] = {}
        pair_rows = [rows.setdefault((e.sentence, e.target), len(rows)) for e in encoded]
        inputs = list(rows) if target_head else [(e.sentence, e.target) for e in encoded]
        batch = self.tokenize_texts(inputs, with_offsets=target_head)
        if target_head:
            offsets = batch.pop("offset_mapping").tolist()
            batch["target_mask"] = torch.tensor(
                [target_token_mask(offsets[row], batch.sequence_ids(row), e.spans) for row, e in zip(pair_rows, encoded)]
            )
            batch["pair_rows"] = torch.tensor(pair_rows)
        return batch, [e.windowed for e in encoded]

    def tokenize_texts(self, inputs: Sequence[tuple[str, str]], with_offsets: bool = False):
        """(sentence, target) text pairs as padded tensors; a sentence is cut, never the target."""
        return self.tokenizer(
            [sentence for sentence, _ in inputs],
            [target for _, target in inputs],
            truncation="only_first",
            max_length=self.max_length,
            padding=True,
            return_tensors="pt",
            return_offsets_mapping=with_offsets,
        )

    def predict_pairs(self, pairs: Iterable[StancePair], batch_size: int = PREDICT_BATCH_SIZE) -> list[PairPrediction]:
        logits, windowed = self.pair_logits(pairs, batch_size)
        return self.predictions_from_logits(logits, windowed)

    def pair_logits(self, pairs: Iterable[StancePair], batch_size: int = PREDICT_BATCH_SIZE) -> tuple[torch.Tensor, list[bool]]:
        """The head's raw logits per pair (pairs x labels, in `pairs` order), and which pairs
        were cut to a window."""
        pairs = list(pairs)
        # Sorting by length keeps padding, and so wasted compute, low within each batch; sorting
        # by text next keeps a sentence's pairs together, so they can share a row.
        order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i].text), pairs[i].text, pairs[i].development or ""))
        logits = torch.zeros((len(pairs), len(self.labels)))
        windowed = [False] * len(pairs)
        with torch.inference_mode(), autocast(self.precision):
            for chunk_start in range(0, len(order), batch_size):
                idx = order[chunk_start : chunk_start + batch_size]
                batch, cut = self.tokenize([pairs[i] for i in idx])
                logits[idx] = self.model(**batch).logits.float()
                for i, was_windowed in zip(idx, cut):
                    windowed[i] = was_windowed
        return logits, windowed

    def predictions_from_logits(
        self, logits: torch.Tensor, windowed: Sequence[bool], temperature: float | None = None
    ) -> list[PairPrediction]:
        """Predictions from raw logits at `temperature` (default: the checkpoint's own)."""
        scale = self.temperature if temperature is None else temperature
        probs = torch.softmax(logits / scale, dim=-1).tolist()
        return [self._prediction(row, was_windowed) for row, was_windowed in zip(probs, windowed)]

    def _prediction(self, probs: list[float], windowed: bool) -> PairPrediction:
        scores = {label: round(p, 6) for label, p in zip(self.labels, probs)}
        best = max(range(len(probs)), key=probs.__getitem__)
        return PairPrediction(
            stance=self.labels[best], scores=scores, polarity=round(polarity(scores), 6), windowed=windowed
        )

    def predict(self, text: str, countries: Sequence[str] | None = None, development: str | None = None) -> DocumentAnalysis:
        """Per-sentence, per-country stances of a document and a per-country summary, toward
        `development` when one is named."""
        return analyse_document(self, text, countries, development)


def read_meta(directory: Path) -> dict[str, Any]:
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise CheckpointError(f"checkpoint file {directory / META_FILE} is unreadable: {err}") from err
    missing = [k for k in ("labels", "target_encoding", "max_length") if k not in meta]
    if missing:
        raise CheckpointError(f"checkpoint file {directory / META_FILE} lacks {', '.join(missing)}")
    return meta


def configured_precision(meta: dict[str, Any]) -> str:
    """The inference precision a checkpoint's run config asks for; fp32 for checkpoints from
    before the setting existed."""
    return meta.get("training_config", {}).get("inference", {}).get("precision", "fp32")
