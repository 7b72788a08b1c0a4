import json

import pytest

from stance_cli import main
from training.evaluate import FIGURES
from training.metrics import compute_metrics

LABELS = ["supportive", "concerned", "silent"]


@pytest.fixture(scope="module")
def report_dir(tiny_checkpoint, tiny_data, tmp_path_factory):
    """One full `stance evaluate` run, compared with itself and with the baselines."""
    out = tmp_path_factory.mktemp("report")
    assert main([
        "evaluate", "--checkpoint", str(tiny_checkpoint), "--data", str(tiny_data["dev"]), "--output", str(out),
        "--compare", str(tiny_checkpoint), "--baselines", "--train", str(tiny_data["train"]), "--resamples", "100",
    ]) == 0
    return out


def test_f_avg_averages_supportive_and_concerned_only():
    gold = ["supportive", "concerned", "silent", "silent"]
    metrics = compute_metrics(gold, ["supportive", "silent", "silent", "silent"], LABELS)
    # supportive F1 1, concerned F1 0; silent (F1 0.8) does not count.
    assert metrics["f_avg_labels"] == ["supportive", "concerned"] and metrics["f_avg"] == pytest.approx(0.5)


def test_report_and_plots_are_written_and_not_empty(report_dir):
    for name in ("report.md", *FIGURES.values()):
        assert (report_dir / name).stat().st_size > 0, name


def test_report_embeds_the_plots_as_relative_links(report_dir):
    report = (report_dir / "report.md").read_text()
    assert all(f"]({name})" in report for name in FIGURES.values())


def test_report_has_every_section(report_dir):
    report = (report_dir / "report.md").read_text()
    for heading in ("## Headline", "## Per label", "## Confusion matrix", "## Calibration", "### By country",
                    "## Most confident errors", "## Comparison", "## Baselines"):
        assert heading in report, heading


def test_metrics_hold_the_intervals_f_avg_and_calibration(report_dir):
    metrics = json.loads((report_dir / "metrics.json").read_text())
    ci = metrics["confidence_intervals"]["macro_f1"]
    assert ci["low"] <= metrics["macro_f1"] <= ci["high"] and ci["resamples"] == 100
    assert "f_avg" in metrics and 0.0 <= metrics["calibration"]["ece"] <= 1.0


def test_comparing_a_checkpoint_with_itself_gives_no_difference(report_dir):
    comparison = json.loads((report_dir / "comparison.json").read_text())
    assert comparison["macro_f1_difference"]["estimate"] == 0.0 and comparison["mcnemar"]["p_value"] == 1.0


def test_baselines_json_holds_the_three_baselines(report_dir):
    baselines = json.loads((report_dir / "baselines.json").read_text())
    assert set(baselines["baselines"]) == {"majority", "tfidf_logreg", "encoder_logreg"}
    assert baselines["best_baseline"] in baselines["baselines"] and "margin_macro_f1_points" in baselines


def test_the_encoder_baseline_is_told_the_target_under_the_shared_encoding_too(tiny_shared_checkpoint, tiny_data, tmp_path):
    # The shared encoding leaves the target out of the input: the baseline marks it itself.
    assert main([
        "evaluate", "--checkpoint", str(tiny_shared_checkpoint), "--data", str(tiny_data["dev"]), "--output", str(tmp_path),
        "--baselines", "--train", str(tiny_data["train"]), "--resamples", "10",
    ]) == 0
    assert "encoder_logreg" in json.loads((tmp_path / "baselines.json").read_text())["baselines"]


def test_baselines_without_a_training_file_are_refused(tiny_checkpoint, tiny_data, capsys):
    assert main(["evaluate", "--checkpoint", str(tiny_checkpoint), "--data", str(tiny_data["dev"]), "--baselines"]) == 2
    assert "--train" in capsys.readouterr().err
