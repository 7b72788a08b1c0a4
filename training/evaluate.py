"""`stance evaluate`: score exactly the (sentence, country) pairs of a labelled file, and write the
report people read before they trust or retrain a model.

No sentence splitting and no mention detection: the file's pairs are the test, so the figures
measure the classifier alone. This module only orchestrates; the pieces live in `metrics`
(scores), `significance` (bootstrap, McNemar), `calibration`, `comparison`, `baselines`, `plots`
and `report` (Markdown).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from classifier.checkpoint_files import WEIGHTS_FILE, CheckpointError, sha256_file
from classifier.encoding import encode_pair
from classifier.model import StanceClassifier
from classifier.pairs import StancePair
from training.baselines import against_fine_tuned, run_baselines
from training.calibration import calibration, expected_calibration_error
from training.comparison import prediction_rows, score_both
from training.data import DataError, LabelSpace, Record, load_pairs, read_labelled
from training.metrics import accuracy, breakdown, compute_metrics, macro_f1
from training.plots import plot_confusion_matrix, plot_reliability_diagram
from training.report import render_report
from training.significance import DEFAULT_RESAMPLES, DEFAULT_SEED, bootstrap_interval

METRICS_FILE = "metrics.json"
PREDICTIONS_FILE = "predictions.jsonl"
REPORT_FILE = "report.md"
COMPARISON_FILE = "comparison.json"
BASELINES_FILE = "baselines.json"
FIGURES = {"confusion_matrix": "confusion_matrix.png", "reliability_diagram": "reliability_diagram.png"}
CONFIDENT_ERRORS = 20


@dataclass
class Evaluation:
    """What `evaluate` found: the checkpoint's metrics and predictions, and, when asked for, the
    comparison with another checkpoint and the baselines."""

    metrics: dict[str, Any]
    predictions: list[dict[str, Any]]
    comparison: dict[str, Any] | None = None
    baselines: dict[str, Any] | None = None


def evaluate(
    checkpoint: str | Path,
    data: str | Path,
    output_dir: str | Path | None = None,
    label_map: dict | None = None,
    *,
    compare: str | Path | None = None,
    baselines_train: str | Path | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Evaluation:
    classifier = StanceClassifier.from_pretrained(checkpoint)
    space = LabelSpace(tuple(classifier.labels), label_map or classifier.meta.get("training_config", {}).get("data", {}).get("label_map", {}))
    rows = _labelled_rows(data, space)
    pairs = [pair for _, pair in rows]
    logits, windowed = classifier.pair_logits(pairs)
    predictions = prediction_rows(pairs, classifier.predictions_from_logits(logits, windowed))

    metrics = score(rows, predictions, classifier.labels, resamples=resamples, seed=seed)
    # The probabilities as served (after the checkpoint's temperature) and as the head gives them.
    raw = prediction_rows(pairs, classifier.predictions_from_logits(logits, windowed, 1.0))
    metrics["calibration"].update(
        temperature=classifier.temperature,
        ece_before_scaling=expected_calibration_error([confidence_of(p) for p in raw], [p["gold"] == p["predicted"] for p in raw]),
    )
    metrics.update(checkpoint=str(checkpoint), model_version=classifier.version, data=str(data), precision=classifier.precision)
    evaluation = Evaluation(metrics, predictions)
    if compare is not None:
        evaluation.comparison = _compare_with(compare, classifier, checkpoint, pairs, predictions, resamples, seed)
    if baselines_train is not None:
        evaluation.baselines = _baselines(classifier, baselines_train, space, pairs, metrics)
    if output_dir is not None:
        write_outputs(evaluation, output_dir)
    return evaluation


def score(
    rows: Sequence[tuple[Record, StancePair]], predictions: Sequence[dict[str, Any]], labels: Sequence[str],
    *, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """compute_metrics plus bootstrap intervals, calibration and the breakdowns."""
    gold = [p["gold"] for p in predictions]
    predicted = [p["predicted"] for p in predictions]
    metrics = compute_metrics(gold, predicted, labels)
    metrics["confidence_intervals"] = {
        name: bootstrap_interval(gold, predicted, labels, metric, resamples=resamples, seed=seed)
        for name, metric in (("macro_f1", macro_f1), ("accuracy", accuracy))
    }
    metrics["calibration"] = calibration([confidence_of(p) for p in predictions], [g == p for g, p in zip(gold, predicted)])
    metrics["by_country"] = breakdown([pair.target for _, pair in rows], gold, predicted, labels)
    metrics["by_countries_in_sentence"] = breakdown([_countries_bucket(r) for r, _ in rows], gold, predicted, labels)
    forms = [_form_of(record, pair.target) for record, pair in rows]
    if any(forms):
        metrics["by_mention_form"] = breakdown([f or "unknown" for f in forms], gold, predicted, labels)
    return metrics


def confidence_of(row: dict[str, Any]) -> float:
    """The probability the model gave its own answer."""
    return row["scores"][row["predicted"]]


def most_confident_errors(predictions: Sequence[dict[str, Any]], limit: int = CONFIDENT_ERRORS) -> list[dict[str, Any]]:
    """The wrong predictions the model was surest of: where labels or the model most need a look."""
    errors = [dict(row, confidence=confidence_of(row)) for row in predictions if row["predicted"] != row["gold"]]
    return sorted(errors, key=lambda row: -row["confidence"])[:limit]


def write_outputs(evaluation: Evaluation, output_dir: str | Path) -> Path:
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write_json(out / METRICS_FILE, evaluation.metrics)
    with open(out / PREDICTIONS_FILE, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in evaluation.predictions)
    metrics = evaluation.metrics
    plot_confusion_matrix(metrics["confusion_matrix"]["matrix"], metrics["confusion_matrix"]["labels"], out / FIGURES["confusion_matrix"])
    plot_reliability_diagram(metrics["calibration"]["reliability"], metrics["calibration"]["ece"], out / FIGURES["reliability_diagram"])
    if evaluation.comparison is not None:
        _write_json(out / COMPARISON_FILE, evaluation.comparison)
    if evaluation.baselines is not None:
        _write_json(out / BASELINES_FILE, evaluation.baselines)
    report = render_report(
        metrics, most_confident_errors(evaluation.predictions), FIGURES, evaluation.comparison, evaluation.baselines
    )
    (out / REPORT_FILE).write_text(report, encoding="utf-8")
    return out


def headline(metrics: dict[str, Any]) -> str:
    per_label = ", ".join(f"{label} {m['f1']:.3f}" for label, m in metrics["per_label"].items())
    ci = metrics["confidence_intervals"]["macro_f1"]
    return (
        f"{metrics['data']}: {metrics['n']} pairs, macro-F1 {metrics['macro_f1']:.4f} "
        f"[{ci['low']:.4f}, {ci['high']:.4f}], F_avg {metrics['f_avg']:.4f}, "
        f"accuracy {metrics['accuracy']:.4f}, ECE {metrics['calibration']['ece']:.4f}"
        f"{_before_scaling(metrics['calibration'])} (F1 per label: {per_label})"
    )


def _before_scaling(calibration: dict[str, Any]) -> str:
    if "ece_before_scaling" not in calibration:
        return ""
    return f" (before temperature scaling {calibration['ece_before_scaling']:.4f}, T = {calibration['temperature']:.3f})"


def _labelled_rows(data: str | Path, space: LabelSpace) -> list[tuple[Record, StancePair]]:
    records, problems = read_labelled(data, space)
    if problems:
        raise DataError(problems)
    return [(record, pair) for record in records for pair in record.pairs]


def _compare_with(other: str | Path, classifier: StanceClassifier, checkpoint: str | Path, pairs, predictions, resamples: int, seed: int) -> dict[str, Any]:
    rival = StanceClassifier.from_pretrained(other)
    names = (f"{checkpoint} ({classifier.version})", f"{other} ({rival.version})")
    return score_both(classifier, rival, pairs, names, predictions, resamples=resamples, seed=seed)[2]


def _baselines(classifier: StanceClassifier, train: str | Path, space: LabelSpace, test_pairs, metrics: dict[str, Any]) -> dict[str, Any]:
    encoder = _base_encoder_path(classifier)
    results = run_baselines(
        load_pairs(train, space), test_pairs, classifier.labels, encoder, _marked_pairs(classifier),
    )
    return {
        "train": str(train), "test": metrics["data"], "base_encoder": str(encoder),
        "baselines": results, **against_fine_tuned(results, metrics),
    }


def _marked_pairs(classifier: StanceClassifier):
    """How the frozen encoder baseline reads a pair: the sentence with the target's mentions
    marked, and its name, in the checkpoint's tokenizer. A mean over the tokens must be told which
    country is meant, whatever encoding the checkpoint itself uses (the shared one does not put
    the target in the input)."""

    def tokenize(pairs):
        encoded = [encode_pair(p, "markers", classifier.max_chars) for p in pairs]
        return classifier.tokenize_texts([(e.sentence, e.target) for e in encoded])

    return tokenize


def _base_encoder_path(classifier: StanceClassifier) -> Path:
    """The base encoder the checkpoint was fine-tuned from, verified against its recorded hash:
    a baseline on other weights would not show what fine-tuning added."""
    base = classifier.meta.get("base_model") or {}
    path = Path(base.get("path") or "")
    if not base.get("path") or not (path / WEIGHTS_FILE).is_file():
        raise CheckpointError(f"the checkpoint's base model {base.get('path')!r} is not available: the encoder baseline needs it")
    if base.get("sha256") and sha256_file(path / WEIGHTS_FILE) != base["sha256"]:
        raise CheckpointError(f"base model weights {path / WEIGHTS_FILE} differ from those the checkpoint was trained from")
    return path


def _write_json(path: Path, content: Any) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False), encoding="utf-8")


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
