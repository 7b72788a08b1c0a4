"""The second-annotator check: draw a blind sample, then measure agreement with the labels.

`stance data review-sample` writes the sentences and their countries without labels;
a reviewer who did not write them labels the sample; `stance data agreement` compares.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Sequence

from sklearn.metrics import cohen_kappa_score, confusion_matrix

from classifier.labels import STANCES
from classifier.errors import InputError


def _read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def review_sample(paths: Sequence[str], fraction: float, seed: int, output: str | Path, ids_matching: str | None = None) -> int:
    """Write a random `fraction` of the sentences of `paths` (only those whose id matches the
    regular expression `ids_matching`, when given), labels removed; returns the count. The
    reviewer sees each sentence, its development when the line names one, and its countries."""
    rows = [row for path in paths for row in _read_jsonl(path)]
    if ids_matching is not None:
        rows = [row for row in rows if re.search(ids_matching, row.get("id", ""))]
    sample = random.Random(seed).sample(rows, k=round(len(rows) * fraction))
    with open(output, "w", encoding="utf-8") as fh:
        for row in sample:
            countries = {c: sorted((row.get("mentions") or {}).get(c, {})) for c in row["labels"]}
            shown = {"id": row["id"], "text": row["text"], **({"development": row["development"]} if "development" in row else {})}
            fh.write(json.dumps({**shown, "countries": countries}, ensure_ascii=False) + "\n")
    return len(sample)


def agreement(gold_paths: Sequence[str], review_path: str | Path, labels: Sequence[str] = STANCES) -> dict:
    """Cohen's kappa, raw agreement, per-label specific agreement (2·both / (first + second))
    and every disagreement, over the pairs the review labelled."""
    gold = {row["id"]: row for path in gold_paths for row in _read_jsonl(path)}
    first, second, disagreements = [], [], []
    for review in _read_jsonl(review_path):
        row = gold[review["id"]]
        if set(review["labels"]) != set(row["labels"]):
            raise InputError(f"review of {review['id']} labels {sorted(review['labels'])}, expected {sorted(row['labels'])}")
        for country, label in row["labels"].items():
            first.append(label)
            second.append(review["labels"][country])
            if label != review["labels"][country]:
                disagreements.append({"id": row["id"], "text": row["text"], "country": country,
                                      "first": label, "second": review["labels"][country],
                                      "note": (review.get("notes") or {}).get(country)})
    labels = list(labels)
    per_label = {}
    for label in labels:
        both = sum(a == b == label for a, b in zip(first, second))
        total = first.count(label) + second.count(label)
        per_label[label] = round(2 * both / total, 4) if total else None
    return {
        "sentences": len(_read_jsonl(review_path)),
        "pairs": len(first),
        "raw_agreement": round(sum(a == b for a, b in zip(first, second)) / len(first), 4),
        "cohen_kappa": round(float(cohen_kappa_score(first, second, labels=labels)), 4),
        "per_label_agreement": per_label,
        "confusion_matrix": {"labels": labels, "rows": "first annotator", "columns": "second annotator",
                             "matrix": confusion_matrix(first, second, labels=labels).tolist()},
        "disagreements": disagreements,
    }
