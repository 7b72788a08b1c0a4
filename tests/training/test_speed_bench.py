"""bench/speed.py on the tiny checkpoint: every scoring path and the service are measured and the
report states each target with its verdict (the real figures come from `make bench`)."""

from __future__ import annotations

import json

import pytest
from tests_support import load_bench_script


@pytest.fixture(scope="module")
def speed():
    return load_bench_script("speed")


@pytest.fixture(scope="module")
def report(speed, tiny_checkpoint, tmp_path_factory):
    output = tmp_path_factory.mktemp("speed") / "latest"
    speed.main(["--checkpoint", str(tiny_checkpoint), "--repeats", "1", "--max-pairs", "40", "--skip-training", "--output", str(output)])
    return json.loads(output.with_suffix(".json").read_text()), output.with_suffix(".md").read_text()


def test_every_scoring_path_is_measured_against_the_naive_pipeline(report):
    results, _ = report
    paths = results["scoring"]["paths"]
    assert paths[0]["path"].startswith("naive pipeline") and paths[0]["speedup_over_naive"] == 1.0
    assert sum(p.get("default", False) for p in paths) == 1
    assert all(p["pairs"] == 80 and 0 <= p["test_macro_f1"] <= 1 for p in paths if "pairs_per_second" in p)


def test_every_fp32_path_gives_the_naive_pipelines_labels(report):
    results, _ = report
    fp32 = [p for p in results["scoring"]["paths"] if p["path"] in ("batched, fp32", "batched, ONNX Runtime fp32") and "labels_equal_to_naive" in p]
    assert fp32 and all(p["labels_equal_to_naive"] == 1.0 and p["max_probability_difference"] < 1e-4 for p in fp32)


def test_the_service_is_measured_at_both_concurrencies_without_errors(report):
    service = report[0]["service"]
    assert service["concurrency_1"]["p50_ms"] > 0 and service["concurrency_16"]["non_200"] == 0
    assert service["peak_rss_mb"] > 0


def test_the_report_states_each_target_with_a_verdict(report):
    _, markdown = report
    for target in ("speed-up over the naive pipeline", "p99, one paragraph", "peak resident memory", "concurrency 16 / at 1"):
        assert target in markdown
    verdicts = [line for line in markdown.splitlines() if line.endswith(("| yes |", "| **no** |"))]
    assert len(verdicts) >= 4


def test_the_paragraph_is_running_text_not_the_title(speed):
    paragraph = speed.first_paragraph()
    assert len(paragraph) >= 200 and paragraph.count(".") >= 2
