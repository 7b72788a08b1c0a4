"""report.md: the one page to read before trusting or retraining a model.

Rendering only: every number comes from the dicts `training.evaluate` computes and also writes
as JSON, so the page and the files can never disagree.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from training.metrics import row_normalised

TOP_COUNTRIES = 20
EXCERPT_CHARS = 300  # how much of a sentence the report quotes


def render_report(
    metrics: Mapping[str, Any],
    errors: Sequence[Mapping[str, Any]],
    figures: Mapping[str, str],
    comparison: Mapping[str, Any] | None = None,
    baselines: Mapping[str, Any] | None = None,
) -> str:
    """The Markdown page. `figures` maps "confusion_matrix" and "reliability_diagram" to image
    paths relative to the report; `errors` are prediction rows with a "confidence"."""
    sections = [
        f"# Evaluation of `{metrics['checkpoint']}` on `{metrics['data']}`\n\n"
        f"Model version `{metrics['model_version']}`, scored at its inference precision "
        f"({metrics.get('precision', 'fp32')}), {metrics['n']} (sentence, country) pairs.",
        headline_section(metrics),
        per_label_section(metrics),
        confusion_section(metrics, figures["confusion_matrix"]),
        calibration_section(metrics, figures["reliability_diagram"]),
        breakdown_sections(metrics),
        errors_section(errors),
    ]
    if comparison is not None:
        sections.append(comparison_section(comparison))
    if baselines is not None:
        sections.append(baselines_section(baselines))
    return "\n\n".join(sections) + "\n"


def headline_section(metrics: Mapping[str, Any]) -> str:
    intervals = metrics["confidence_intervals"]
    level = f"{intervals['macro_f1']['confidence']:.0%}"
    return "## Headline\n\n" + table(
        ["macro-F1", f"F_avg ({', '.join(metrics['f_avg_labels'])})", "accuracy", "ECE"],
        [[
            with_interval(intervals["macro_f1"]),
            f"{metrics['f_avg']:.3f}",
            with_interval(intervals["accuracy"]),
            f"{metrics['calibration']['ece']:.3f}",
        ]],
    ) + (
        f"\n\nIntervals: {level} percentile bootstrap over pairs ({intervals['macro_f1']['resamples']} resamples, "
        f"seed {intervals['macro_f1']['seed']}). ECE: expected calibration error over "
        f"{metrics['calibration']['bins']} equal-width bins of the predicted label's probability."
    )


def per_label_section(metrics: Mapping[str, Any]) -> str:
    rows = [
        [label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", m["support"]]
        for label, m in metrics["per_label"].items()
    ]
    return "## Per label\n\n" + table(["label", "precision", "recall", "F1", "support"], rows)


def confusion_section(metrics: Mapping[str, Any], figure: str) -> str:
    labels, matrix = metrics["confusion_matrix"]["labels"], metrics["confusion_matrix"]["matrix"]
    shares = row_normalised(matrix) if matrix else []
    rows = [
        [f"**{label}**", *(f"{count} ({share:.0%})" for count, share in zip(matrix[i], shares[i]))]
        for i, label in enumerate(labels)
    ] if matrix else []
    return (
        "## Confusion matrix\n\nRows are gold labels, columns predictions; the share is of the row.\n\n"
        + table(["gold \\ predicted", *labels], rows)
        + f"\n\n![Confusion matrix: counts and row shares]({figure})"
    )


def calibration_section(metrics: Mapping[str, Any], figure: str) -> str:
    calibration = metrics["calibration"]
    return (
        f"## Calibration\n\nECE {calibration['ece']:.3f}: on average the predicted label's probability is "
        f"{calibration['ece'] * 100:.1f} points away from how often such predictions are right. "
        "Bars below the diagonal are overconfident."
        + _scaling_note(calibration)
        + f"\n\n![Reliability diagram]({figure})"
    )


def _scaling_note(calibration: Mapping[str, Any]) -> str:
    if "ece_before_scaling" not in calibration:
        return ""
    return (
        f" The probabilities are the head's logits divided by the temperature fitted on dev, "
        f"{calibration['temperature']:.3f}; before that scaling the ECE is {calibration['ece_before_scaling']:.3f}."
    )


def breakdown_sections(metrics: Mapping[str, Any]) -> str:
    parts = ["## Breakdowns\n\nMacro-F1 of a group averages over all labels, including any the group lacks."]
    parts.append(breakdown_table(f"By country (top {TOP_COUNTRIES} by support)", "country", metrics["by_country"], TOP_COUNTRIES))
    if "by_mention_form" in metrics:
        parts.append(breakdown_table("By mention form", "form", metrics["by_mention_form"]))
    parts.append(breakdown_table("By number of countries in the sentence", "countries", metrics["by_countries_in_sentence"]))
    return "\n\n".join(parts)


def breakdown_table(title: str, group_name: str, groups: Mapping[str, Mapping[str, Any]], limit: int | None = None) -> str:
    rows = [
        [group, g["n"], f"{g['accuracy']:.3f}", f"{g['macro_f1']:.3f}"]
        for group, g in list(groups.items())[:limit]
    ]
    return f"### {title}\n\n" + table([group_name, "pairs", "accuracy", "macro-F1"], rows)


def errors_section(errors: Sequence[Mapping[str, Any]]) -> str:
    rows = [
        [i, f"{e['confidence']:.3f}", e["country"], e["gold"], e["predicted"], shorten(e["text"])]
        for i, e in enumerate(errors, start=1)
    ]
    if not rows:
        return "## Most confident errors\n\nNone: every pair was predicted right."
    return (
        f"## Most confident errors\n\nThe {len(rows)} wrong predictions the model was surest of.\n\n"
        + table(["#", "confidence", "country", "gold", "predicted", "text"], rows)
    )


def comparison_section(comparison: Mapping[str, Any]) -> str:
    a, b = comparison["a"], comparison["b"]
    difference, test = comparison["macro_f1_difference"], comparison["mcnemar"]
    level = f"{difference['confidence']:.0%}"
    verdict = (
        "The interval includes 0: no evidence on this data that either model is better."
        if difference["low"] <= 0 <= difference["high"]
        else f"The interval excludes 0: {'A' if difference['estimate'] > 0 else 'B'} has the higher macro-F1 beyond resampling noise."
    )
    return (
        f"## Comparison on the same {comparison['n']} pairs\n\n"
        + table(["", "checkpoint", "macro-F1", "accuracy"], [
            ["A", a["name"], f"{a['macro_f1']:.3f}", f"{a['accuracy']:.3f}"],
            ["B", b["name"], f"{b['macro_f1']:.3f}", f"{b['accuracy']:.3f}"],
        ])
        + f"\n\nMacro-F1 difference (A - B): {difference['estimate']:+.3f}, {level} paired bootstrap interval "
        f"{difference['low']:+.3f} to {difference['high']:+.3f}. {verdict}\n\n"
        f"McNemar's test ({test['method']}): only A right on {test['only_a_correct']} pairs, only B right on "
        f"{test['only_b_correct']}; p = {test['p_value']:.3g}. It counts right and wrong pairs, so it speaks to "
        "accuracy rather than macro-F1."
    )


def baselines_section(baselines: Mapping[str, Any]) -> str:
    fine_tuned, margin = baselines["fine_tuned"], baselines["margin_macro_f1_points"]
    rows = [
        [f"`{name}`", f"{b['macro_f1']:.3f}", f"{b['f_avg']:.3f}", f"{b['accuracy']:.3f}",
         f"{100 * (fine_tuned['macro_f1'] - b['macro_f1']):+.1f}", b["description"]]
        for name, b in baselines["baselines"].items()
    ]
    rows.append(["**fine-tuned**", f"{fine_tuned['macro_f1']:.3f}", f"{fine_tuned['f_avg']:.3f}",
                 f"{fine_tuned['accuracy']:.3f}", "", "this checkpoint"])
    return (
        f"## Baselines (trained on `{baselines['train']}`)\n\n"
        + table(["model", "macro-F1", "F_avg", "accuracy", "fine-tuned ahead by (points)", "what it is"], rows)
        + f"\n\nThe fine-tuned model {'beats' if margin >= 0 else 'trails'} the best baseline, "
        f"`{baselines['best_baseline']}`, by {abs(margin):.1f} macro-F1 points."
    )


def with_interval(interval: Mapping[str, Any]) -> str:
    return f"{interval['estimate']:.3f} [{interval['low']:.3f}, {interval['high']:.3f}]"


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def table(headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    lines = [_row(headers), "|" + "---|" * len(headers)]
    lines += [_row(row) for row in rows]
    return "\n".join(lines)


def _row(cells: Sequence[Any]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(value: Any) -> str:
    # A pipe or a line break inside a cell would break the table.
    return str(value).replace("|", "\\|").replace("\r", " ").replace("\n", " ")
