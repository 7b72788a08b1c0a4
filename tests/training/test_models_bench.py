"""bench/models.py on the tiny checkpoint: every checkpoint gets its row, and the distillation
targets are judged from the rows (the real figures come from the README's command)."""

from __future__ import annotations

import json

import pytest
from tests_support import load_bench_script


@pytest.fixture(scope="module")
def models():
    return load_bench_script("models")


def test_each_checkpoint_gets_a_row_with_its_scores_and_throughput(models, tiny_checkpoint, tiny_data, tmp_path):
    models.main(["--checkpoint", f"teacher={tiny_checkpoint}", "--checkpoint", f"student={tiny_checkpoint}",
                 "--teacher", "teacher", "--student", "student", "--repeats", "1", "--test", str(tiny_data["dev"]),
                 "--seeds", str(tiny_data["dev"]), "--results", str(tmp_path), "--name", "tiny"])
    results = json.loads((tmp_path / "tiny.json").read_text())
    assert [row["name"] for row in results["models"]] == ["teacher", "student"]
    assert all(row["pairs_per_second"] > 0 and 0 <= row["test_macro_f1"] <= 1 for row in results["models"])
    assert "| teacher |" in (tmp_path / "tiny.md").read_text()


def test_the_student_meets_the_targets_only_within_3_points_and_at_5x(models):
    rows = [{"name": "t", "test_macro_f1": 0.80, "pairs_per_second": 100.0},
            {"name": "s", "test_macro_f1": 0.775, "pairs_per_second": 600.0}]
    assert [v["met"] for v in models.distillation_verdicts(rows, "t", "s")] == [True, True]
    rows[1].update(test_macro_f1=0.76, pairs_per_second=400.0)
    assert [v["met"] for v in models.distillation_verdicts(rows, "t", "s")] == [False, False]
