"""The public-benchmark configs and bench/benchmarks.py: configs are valid RunConfigs whose label
maps cover their files, the files exist, bad inputs fail clearly, and a tiny run writes results."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from tests_support import load_bench_script, write_jsonl

from classifier.config import RunConfig
from classifier.labels import STANCES
from training.data import MAX_SENTENCE_CHARS, DataError

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "benchmarks"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the public benchmark data ({SHARED}) is not beside the repository"
)


bench = load_bench_script("benchmarks")
BENCHMARKS = list(bench.BENCHMARKS.values())
EXPECTED_ENCODING = {"semeval2016": "pair", "newsmtsc-rw": "markers"}


def _config(benchmark) -> RunConfig:
    return RunConfig.from_yaml(REPO / benchmark.config)


def _split_paths(benchmark) -> dict[str, Path]:
    config = _config(benchmark)
    return {split: bench.resolve(p) for split, p in (("train", config.data.train), ("dev", config.data.dev), ("test", benchmark.test))}


def _file_labels(path: Path) -> set[str]:
    with open(path, encoding="utf-8") as fh:
        return {json.loads(line)["label"] for line in fh if line.strip()}


def test_every_benchmark_config_is_registered():
    on_disk = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "configs" / "benchmarks").glob("*.yaml"))
    assert on_disk == sorted(b.config for b in BENCHMARKS)


@pytest.mark.parametrize("benchmark", BENCHMARKS, ids=lambda b: b.name)
def test_config_is_a_valid_run_config(benchmark):
    config = _config(benchmark)
    assert config.labels == list(STANCES)
    assert config.model.target_encoding == EXPECTED_ENCODING[benchmark.name]
    assert config.model.base == "all-mpnet-base-v2" and config.model.base_sha256 is None  # the default packaged encoder, checked by its own pin
    assert config.data.train and config.data.dev
    assert sorted(config.data.label_map.values()) == sorted(config.labels)  # a one-to-one renaming
    assert benchmark.metric in ("f_avg", "macro_f1") and benchmark.published


@needs_shared
@pytest.mark.parametrize("benchmark", BENCHMARKS, ids=lambda b: b.name)
def test_data_files_named_by_the_config_exist(benchmark):
    for split, path in _split_paths(benchmark).items():
        assert path.is_file(), f"{benchmark.name}: {split} file {path} is missing"


@needs_shared
@pytest.mark.parametrize("benchmark", BENCHMARKS, ids=lambda b: b.name)
def test_label_map_covers_every_label_in_the_files(benchmark):
    label_map = _config(benchmark).data.label_map
    for split, path in _split_paths(benchmark).items():
        labels = _file_labels(path)
        assert labels, f"{path} has no labels"
        assert labels <= set(label_map), f"{benchmark.name} {split}: {sorted(labels - set(label_map))} not in data.label_map"


def _pair_files(tmp_path, train_lines=None) -> dict[str, Path]:
    lines = [
        {"text": "Japan welcomed the plan.", "target": "Japan", "label": "FAVOR"},
        {"text": "China warned against the plan.", "target": "China", "label": "AGAINST"},
        {"text": "France said nothing.", "target": "France", "label": "NONE"},
    ]
    return {
        split: write_jsonl(tmp_path / f"{split}.jsonl", train_lines if split == "train" and train_lines else lines)
        for split in ("train", "dev", "test")
    }


def _tmp_benchmark(files, **changes):
    return dataclasses.replace(bench.BENCHMARKS["semeval2016"], test=str(files["test"]), **changes)


def _tmp_config(files, **data) -> RunConfig:
    return RunConfig.from_dict({"data": {
        "train": str(files["train"]), "dev": str(files["dev"]),
        "label_map": {"FAVOR": "supportive", "AGAINST": "concerned", "NONE": "silent"}, **data,
    }})


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_a_missing_file_is_a_clear_error_naming_it(tmp_path, split):
    files = _pair_files(tmp_path)
    files[split].unlink()
    with pytest.raises(bench.BenchmarkError, match=re.escape(f"the {split} file {files[split]} does not exist")):
        bench.prepare(_tmp_benchmark(files), _tmp_config(files), tmp_path / "work")


def test_a_missing_config_and_an_unknown_benchmark_are_clear_errors(tmp_path):
    missing = dataclasses.replace(bench.BENCHMARKS["semeval2016"], config="configs/benchmarks/nope.yaml")
    with pytest.raises(bench.BenchmarkError, match="config file .*nope.yaml does not exist"):
        bench.run_one(missing, tmp_path, {})
    with pytest.raises(bench.BenchmarkError, match="unknown benchmark"):
        bench.run_benchmarks(["vast"], tmp_path / "runs", tmp_path / "results")


def test_an_unmapped_label_in_the_test_file_fails_before_training(tmp_path):
    files = _pair_files(tmp_path)
    write_jsonl(files["test"], [{"text": "Spain hedged.", "target": "Spain", "label": "UNSURE"}])
    with pytest.raises(DataError, match="test.jsonl:1: unknown label 'UNSURE'"):
        bench.prepare(_tmp_benchmark(files), _tmp_config(files), tmp_path / "work")


def test_overlong_train_lines_are_left_out_and_listed_only_where_the_benchmark_allows(tmp_path):
    long_line = {"text": "x" * (MAX_SENTENCE_CHARS + 1), "target": "Japan", "label": "FAVOR"}
    good = {"text": "Japan welcomed the plan.", "target": "Japan", "label": "FAVOR"}
    files = _pair_files(tmp_path, train_lines=[good, long_line, good])
    with pytest.raises(DataError, match="train.jsonl:2: text has"):
        bench.prepare(_tmp_benchmark(files, drop_overlong_train_lines=False), _tmp_config(files), tmp_path / "a")

    config, test, notes = bench.prepare(
        _tmp_benchmark(files, drop_overlong_train_lines=True), _tmp_config(files), tmp_path / "b", dev_limit=1
    )
    assert [(x["split"], x["line"]) for x in notes["excluded_lines"]] == [("train", 2)]
    assert len(Path(config.data.train).read_text().splitlines()) == 2
    assert len(Path(config.data.dev).read_text().splitlines()) == 1 and notes["limits"] == {"dev": 1}
    assert test == files["test"]  # untouched files are used in place
    assert len(files["train"].read_text().splitlines()) == 3  # the original is never rewritten


@needs_shared
def test_smoke_run_writes_results_with_the_expected_keys(tiny_base, tmp_path):
    results = tmp_path / "results"
    overrides = {
        "model.base": str(tiny_base), "model.base_sha256": None,
        "training.max_train_samples": 8, "training.epochs": 1, "training.batch_size": 4,
    }
    document = bench.run_benchmarks(
        None, tmp_path / "runs", results, overrides, dev_limit=4, test_limit=6, resamples=20, quiet=True
    )

    written = json.loads((results / bench.RESULTS_JSON).read_text())
    assert written == json.loads(json.dumps(document))
    assert set(written) == {"updated_at", "benchmarks"}
    assert list(written["benchmarks"]) == [b.name for b in BENCHMARKS]
    for name, entry in written["benchmarks"].items():
        assert {"score", "score_ci95", "metric", "sizes", "training", "published", "run", "encoder", "wall_seconds"} <= set(entry)
        assert entry["metric"] == bench.BENCHMARKS[name].metric
        assert entry["score"] == pytest.approx(entry["test"][entry["metric"]] * 100, abs=0.01)
        assert entry["sizes"] == {"train": 8, "dev": 4, "test": 6}
        assert {"epochs", "epochs_run", "best_epoch", "steps", "train_seconds", "steps_per_second"} <= set(entry["training"])
        assert {"processor", "cpu_count"} <= set(entry["run"]["machine"])
        assert {"python", "torch", "transformers"} <= set(entry["run"]["versions"])
        assert entry["run"]["comparable"] is False  # limits and a tiny base: never beside published figures
    assert "f_avg_macro_over_targets" in written["benchmarks"]["semeval2016"]
    assert [x["line"] for x in written["benchmarks"]["newsmtsc-rw"]["data"]["excluded_lines"]] == [5376]
    markdown = (results / bench.RESULTS_MD).read_text()
    assert "Not comparable" in markdown and "72.9" in markdown and "83.1" in markdown


@needs_shared
def test_each_result_records_the_commit_checked_out_when_the_run_started(monkeypatch, tmp_path):
    commits = iter([{"commit": "at-start", "dirty": False}, {"commit": "an-hour-later", "dirty": True}])
    monkeypatch.setattr(bench, "git", lambda: next(commits))

    def run_one(benchmark, *args, source, **kwargs):  # an hour of training: the tree moves on
        bench.git()
        return {"run": {"git": source}, "metric_name": "F", "score": 0.0, "sizes": {"test": 0}, "wall_seconds": 0}

    monkeypatch.setattr(bench, "run_one", run_one)
    monkeypatch.setattr(bench, "_write", lambda results, document: None)
    document = bench.run_benchmarks(["semeval2016"], tmp_path / "runs", tmp_path / "results", quiet=True)
    assert document["benchmarks"]["semeval2016"]["run"]["git"] == {"commit": "at-start", "dirty": False}


def test_results_of_benchmarks_not_run_are_kept(tmp_path):
    previous = {"updated_at": "then", "benchmarks": {"newsmtsc-rw": {"kept": True}, "gone": {}}}
    (tmp_path / bench.RESULTS_JSON).write_text(json.dumps(previous))
    assert bench._load_previous(tmp_path / bench.RESULTS_JSON)["benchmarks"] == {"newsmtsc-rw": {"kept": True}}
    assert bench._load_previous(tmp_path / "absent.json")["benchmarks"] == {}


def test_benchmark_files_are_found_under_another_data_root(tmp_path):
    path = bench.locate("../shared/benchmarks/semeval2016-stance/train.jsonl", tmp_path)
    assert path == (tmp_path / "semeval2016-stance" / "train.jsonl").resolve()


@pytest.mark.parametrize("parameters, size", [(22.7e6, "far smaller than"), (109.5e6, "about the size of")])
def test_the_note_sizes_the_encoder_against_roberta_base(parameters, size):
    entry = {"encoder": {"name": "enc", "parameters": parameters, "layers": 12},
             "run": {"machine": {"cpu_count": 2, "processor": "x86_64"}}}
    assert f"{size} {bench.ROBERTA_BASE}" in bench._honest_note({"b": entry})[0]
