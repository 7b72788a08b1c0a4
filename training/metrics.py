"""Metrics shared by training, evaluation and the benchmarks: one pure function, scikit-learn inside."""

from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Sequence

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support


def compute_metrics(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict:
    """Macro-F1, accuracy, per-label precision/recall/F1/support and the confusion matrix
    (rows gold, columns predicted, in `labels` order)."""
    labels = list(labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, average=None, zero_division=0
    )
    return {
        "n": len(gold),
        "macro_f1": float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, predicted)) if len(gold) else 0.0,
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
            "accuracy": float(accuracy_score(g, p)),
            "macro_f1": float(f1_score(g, p, labels=list(labels), average="macro", zero_division=0)),
        }
    return out
