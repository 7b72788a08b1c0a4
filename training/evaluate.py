"""`stance evaluate`: score exactly the (sentence, country) pairs of a labelled file.

No sentence splitting and no mention detection: the file's pairs are the test, so the figures
measure the classifier alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from classifier.model import StanceClassifier
from training.data import LabelSpace, read_labelled, DataError
from training.metrics import breakdown, compute_metrics

METRICS_FILE = "metrics.json"
PREDICTIONS_FILE = "predictions.jsonl"


def evaluate(checkpoint: str | Path, data: str | Path, output_dir: str | Path | None = None, label_map: dict | None = None) -> dict[str, Any]:
    classifier = StanceClassifier.from_pretrained(checkpoint)
    space = LabelSpace(tuple(classifier.labels), label_map or classifier.meta.get("training_config", {}).get("data", {}).get("label_map", {}))
    records, problems = read_labelled(data, space)
    if problems:
        raise DataError(problems)
    rows = [(record, pair) for record in records for pair in record.pairs]
    pairs = [pair for _, pair in rows]
    predictions = classifier.predict_pairs(pairs)
    gold = [p.label for p in pairs]
    predicted = [p.stance for p in predictions]

    metrics = compute_metrics(gold, predicted, classifier.labels)
    metrics.update(
        checkpoint=str(checkpoint),
        model_version=classifier.version,
        data=str(data),
        by_country=breakdown([p.target for p in pairs], gold, predicted, classifier.labels),
        by_countries_in_sentence=breakdown(
            [_countries_bucket(r) for r, _ in rows], gold, predicted, classifier.labels
        ),
    )
    forms = [_form_of(r, p.target) for r, p in rows]
    if any(forms):
        metrics["by_mention_form"] = breakdown([f or "unknown" for f in forms], gold, predicted, classifier.labels)

    if output_dir is not None:
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2), encoding="utf-8")
        with open(out / PREDICTIONS_FILE, "w", encoding="utf-8") as fh:
            for pair, prediction in zip(pairs, predictions):
                fh.write(json.dumps({
                    "text": pair.text, "country": pair.target, "gold": pair.label,
                    "predicted": prediction.stance, "scores": prediction.scores,
                }, ensure_ascii=False) + "\n")
    return metrics


def headline(metrics: dict[str, Any]) -> str:
    per_label = ", ".join(f"{label} {m['f1']:.3f}" for label, m in metrics["per_label"].items())
    return (
        f"{metrics['data']}: {metrics['n']} pairs, macro-F1 {metrics['macro_f1']:.4f}, "
        f"accuracy {metrics['accuracy']:.4f} (F1 per label: {per_label})"
    )


def _countries_bucket(record) -> str:
    n = len(record.data.get("labels", {})) or 1
    return "1" if n == 1 else "2" if n == 2 else "3+"


def _form_of(record, country: str) -> str | None:
    """The mention form of the pair's first annotated mention, when the file says it."""
    surfaces = (record.data.get("mentions") or {}).get(country)
    if not surfaces:
        return None
    first = min(surfaces, key=lambda s: record.data["text"].find(s))
    return surfaces[first]
