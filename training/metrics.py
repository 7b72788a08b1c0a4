"""Metrics shared by training, evaluation and the benchmarks: pure functions, scikit-learn inside."""

from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Sequence

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from classifier.labels import POLARITY



def stance_labels(labels: Sequence[str]) -> list[str]:
    """The labels F_avg averages over: those that take a side (polarity not 0), as SemEval-2016
    Task 6 averages only FAVOR and AGAINST, so a model that calls everything silent does not
    look half-good; all of them if none takes a side."""
    return [label for label in labels if POLARITY.get(label, 1.0) != 0.0] or list(labels)


def macro_f1(gold: Sequence, predicted: Sequence, labels: Sequence) -> float:
    return float(f1_score(gold, predicted, labels=list(labels), average="macro", zero_division=0))


def f_avg(gold: Sequence, predicted: Sequence, labels: Sequence) -> float:
    """Mean F1 of the stance-bearing labels (see `stance_labels`)."""
    return macro_f1(gold, predicted, stance_labels(labels))


def accuracy(gold: Sequence, predicted: Sequence, labels: Sequence | None = None) -> float:
    # `labels` is accepted, and ignored, so every metric here has one signature.
    return float(accuracy_score(gold, predicted)) if len(gold) else 0.0


def compute_metrics(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict:
    """Macro-F1, F_avg, accuracy, per-label precision/recall/F1/support and the confusion matrix
    (rows gold, columns predicted, in `labels` order)."""
    labels = list(labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, average=None, zero_division=0
    )
    return {
        "n": len(gold),
        "macro_f1": macro_f1(gold, predicted, labels),
        "f_avg": f_avg(gold, predicted, labels),
        "f_avg_labels": stance_labels(labels),
        "accuracy": accuracy(gold, predicted),
        "per_label": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion_matrix": {
            "labels": labels,
            "matrix": confusion_matrix(gold, predicted, labels=labels).tolist() if len(gold) else [],
        },
    }


def row_normalised(matrix: Sequence[Sequence[int]]) -> np.ndarray:
    """Each row of a confusion matrix as fractions of its gold total (a row with no pairs stays 0)."""
    counts = np.asarray(matrix, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def breakdown(
    groups: Sequence[Hashable], gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, dict]:
    """Support, accuracy and macro-F1 per group (country, mention form, ...), largest first."""
    members: dict[Hashable, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        members[group].append(i)
    out = {}
    for group, idx in sorted(members.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        g = [gold[i] for i in idx]
        p = [predicted[i] for i in idx]
        out[str(group)] = {
            "n": len(idx),
            "accuracy": accuracy(g, p),
            "macro_f1": macro_f1(g, p, labels),
        }
    return out
