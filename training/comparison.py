"""Two checkpoints scored on the same pairs: is one better, or is the difference noise?

`compare_checkpoints` works on prediction rows as `stance evaluate` writes them to
predictions.jsonl ({"text", "country", "gold", "predicted", ...}), so a retraining job can judge a
new checkpoint against the serving one from Python, from files or from fresh predictions alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from classifier.errors import CheckpointError, InputError
from classifier.pairs import PairPrediction, StancePair
from training.metrics import accuracy, macro_f1
from training.significance import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    mcnemar,
    paired_bootstrap_difference,
)

PredictionRow = Mapping[str, Any]


def score_both(
    first, second, pairs: Sequence[StancePair], names: tuple[str, str], first_predictions: Sequence[PredictionRow] | None = None,
    **bootstrap: Any,
) -> tuple[list[PredictionRow], list[PredictionRow], dict[str, Any]]:
    """Two loaded classifiers on the same pairs: each one's prediction rows and their paired
    comparison. The one place that checks two checkpoints speak the same labels, used by
    `stance evaluate --compare` and by the retraining job's promotion test. `first_predictions`
    saves scoring the first again when the caller already has its rows."""
    if first.labels != second.labels:
        raise CheckpointError(f"cannot compare {names[0]} (labels {first.labels}) with {names[1]} (labels {second.labels})")
    a = list(first_predictions) if first_predictions is not None else prediction_rows(pairs, first.predict_pairs(pairs))
    b = prediction_rows(pairs, second.predict_pairs(pairs))
    return a, b, compare_checkpoints(a, b, first.labels, names=names, **bootstrap)


def prediction_rows(pairs: Sequence[StancePair], predictions: Sequence[PairPrediction]) -> list[dict[str, Any]]:
    """One row per pair, as written to predictions.jsonl and read by `compare_checkpoints`."""
    return [
        {"text": pair.text, "country": pair.target, "gold": pair.label, "predicted": p.stance, "scores": p.scores}
        for pair, p in zip(pairs, predictions)
    ]


def compare_checkpoints(
    a_predictions: Sequence[PredictionRow],
    b_predictions: Sequence[PredictionRow],
    labels: Sequence[str],
    *,
    names: tuple[str, str] = ("a", "b"),
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Macro-F1 and accuracy of each, the macro-F1 difference (a minus b) with its paired bootstrap
    interval, and McNemar's test on the pairs each got right. Refuses rows that are not the same
    pairs in the same order: a comparison on different pairs would mean nothing."""
    _require_same_pairs(a_predictions, b_predictions)
    gold = [row["gold"] for row in a_predictions]
    predicted_a = [row["predicted"] for row in a_predictions]
    predicted_b = [row["predicted"] for row in b_predictions]
    return {
        "n": len(gold),
        "a": _scores(names[0], gold, predicted_a, labels),
        "b": _scores(names[1], gold, predicted_b, labels),
        "macro_f1_difference": paired_bootstrap_difference(
            gold, predicted_a, predicted_b, labels, macro_f1,
            resamples=resamples, confidence=confidence, seed=seed,
        ),
        "mcnemar": mcnemar(
            [p == g for p, g in zip(predicted_a, gold)], [p == g for p, g in zip(predicted_b, gold)]
        ),
    }


def read_predictions(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a predictions.jsonl written by `stance evaluate --output`."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _scores(name: str, gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    return {"name": name, "macro_f1": macro_f1(gold, predicted, labels), "accuracy": accuracy(gold, predicted)}


def _require_same_pairs(a: Sequence[PredictionRow], b: Sequence[PredictionRow]) -> None:
    if len(a) != len(b):
        raise InputError(f"cannot compare predictions on {len(a)} and {len(b)} pairs: they must be the same pairs")
    for number, (row_a, row_b) in enumerate(zip(a, b), start=1):
        if any(row_a.get(key) != row_b.get(key) for key in ("text", "country", "gold")):
            raise InputError(
                f"cannot compare predictions: pair {number} differs ({row_a.get('country')!r} vs {row_b.get('country')!r}); "
                "both must score the same pairs in the same order"
            )
