"""bench/active_learning.py on the tiny model: the uncertainty arm is the review queue's own choice
(training.uncertainty.least_sure), the random arm is fixed by its seed, the simulated user labels
only pool sentences and their gold labels are what the retrained models see, and the report is
written (the real figures come from the README's command)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml
from tests_support import load_bench_script, write_jsonl

COUNTRIES = ("Japan", "China", "Russia", "France", "Germany", "Poland", "Italy", "Spain", "Brazil", "India")
VERBS = {"supportive": "welcomed", "concerned": "warned against", "silent": "declined to comment on"}
SEED, INITIAL, POOL, SELECTION, BUDGET = 13, 6, 10, 2, 3


@pytest.fixture(scope="module")
def bench():
    return load_bench_script("active_learning")


def tiny_lines(n: int = 20) -> list[dict]:
    """`n` distinct guide lines, some with two countries, all three labels."""
    labels = list(VERBS)
    lines = []
    for i in range(n):
        first, second = COUNTRIES[i % len(COUNTRIES)], COUNTRIES[(i + 3) % len(COUNTRIES)]
        a, b = labels[i % 3], labels[(i // 3) % 3]
        text = f"{first} {VERBS[a]} accord number {i}"
        row = {"id": f"line-{i}", "development": "the accord", "labels": {first: a}}
        if i % 2:
            text += f", and {second} {VERBS[b]} it"
            row["labels"][second] = b
        lines.append({**row, "text": text + "."})
    return lines


@pytest.fixture(scope="module")
def run(bench, tiny_config, tiny_base, tmp_path_factory):
    """One bench run with spies on least_sure, on training and on the model's scoring."""
    import training.uncertainty
    from classifier.model import StanceClassifier

    tmp = tmp_path_factory.mktemp("active-learning")
    lines = tiny_lines()
    train_file = write_jsonl(tmp / "train.jsonl", lines)
    config = tiny_config.model_dump(mode="json")
    config["model"].update(development_input=True)
    config_file = tmp / "config.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    spied = {"least_sure": [], "trained_on": [], "scored": []}
    real_least_sure, real_train, real_predict = bench.least_sure, bench.train, StanceClassifier.predict_pairs

    def least_sure(candidates, n, exclude=()):
        candidates = list(candidates)
        chosen = real_least_sure(candidates, n, exclude)
        spied["least_sure"].append((candidates, n, chosen))
        return chosen

    def train(config, output_dir, **kwargs):
        spied["trained_on"].append([json.loads(line) for line in Path(config.data.train).read_text().splitlines()])
        return real_train(config, output_dir, **kwargs)

    def predict_pairs(self, pairs, *args, **kwargs):
        pairs = list(pairs)
        spied["scored"].append(pairs)
        return real_predict(self, pairs, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "least_sure", least_sure)
        patch.setattr(bench, "train", train)
        patch.setattr(StanceClassifier, "predict_pairs", predict_pairs)
        bench.main([
            "--train", str(train_file), "--dev", str(tiny_config.data.dev), "--config", str(config_file),
            "--base", str(tiny_base), "--initial", str(INITIAL), "--pool", str(POOL), "--selection", str(SELECTION),
            "--budget", str(BUDGET), "--seeds", str(SEED), "--epochs", "1", "--results", str(tmp), "--name", "tiny",
        ])
    results = json.loads((tmp / "tiny.json").read_text(encoding="utf-8"))
    return {"results": results, "row": results["seeds"][0], "lines": lines, "dir": tmp, "spied": spied,
            "real_least_sure": real_least_sure, "module_least_sure": training.uncertainty.least_sure}


def split_ids(bench, lines):
    from training.data import Record

    records = [Record("train.jsonl", i + 1, line) for i, line in enumerate(lines)]
    start, pool, held = bench.split(records, SEED, INITIAL, POOL, SELECTION)
    return [r.data["id"] for r in start], [r.data["id"] for r in pool], [r.data["id"] for r in held], pool


def test_the_bench_uses_the_review_queues_function(run):
    assert run["real_least_sure"] is run["module_least_sure"]


def test_the_uncertainty_arm_picks_what_least_sure_picks(bench, run):
    [(candidates, n, chosen)] = run["spied"]["least_sure"]
    _, pool_ids, _, _ = split_ids(bench, run["lines"])
    assert n == BUDGET
    # Every (pool sentence, gold country) was offered, each sentence its own document.
    offered = sorted((c.payload.data["id"], c.country) for c in candidates)
    assert offered == sorted((line["id"], country) for line in run["lines"] if line["id"] in pool_ids for country in line["labels"])
    assert {c.sentence for c in candidates} == {0}
    assert run["row"]["arms"]["uncertainty"]["chosen_ids"] == [c.payload.data["id"] for c in chosen]
    assert [c.payload.data["id"] for c in chosen] == [c.payload.data["id"] for c in run["real_least_sure"](candidates, BUDGET)]


def test_the_pool_is_scored_with_its_labels_hidden(bench, run):
    _, pool_ids, _, _ = split_ids(bench, run["lines"])
    pool_texts = {line["text"] for line in run["lines"] if line["id"] in pool_ids}
    [pool_call] = [pairs for pairs in run["spied"]["scored"] if {p.text for p in pairs} == pool_texts]
    assert all(pair.label is None for pair in pool_call)


def test_the_random_arm_is_fixed_by_the_seed(bench, run):
    _, _, _, pool = split_ids(bench, run["lines"])
    expected = [r.data["id"] for r in random.Random(SEED).sample(pool, BUDGET)]
    assert run["row"]["arms"]["random"]["chosen_ids"] == expected
    assert [r.data["id"] for r in bench.choose_random(pool, BUDGET, SEED)] == expected
    assert [r.data["id"] for r in bench.choose_random(pool, BUDGET, SEED + 1)] != expected


def test_chosen_sentences_come_from_the_pool_and_reveal_their_gold_labels(bench, run):
    start_ids, pool_ids, held_ids, _ = split_ids(bench, run["lines"])
    by_id = {line["id"]: line for line in run["lines"]}
    trained_on = run["spied"]["trained_on"]
    assert [[line["id"] for line in lines] for lines in trained_on][0] == start_ids
    for arm, lines in zip(("uncertainty", "random"), trained_on[1:]):
        chosen = run["row"]["arms"][arm]["chosen_ids"]
        assert len(chosen) == BUDGET and set(chosen) <= set(pool_ids)
        assert not set(chosen) & set(start_ids + held_ids)
        assert [line["id"] for line in lines] == start_ids + chosen
        # The retrained model sees each chosen line whole, gold labels and all.
        assert lines == [by_id[i] for i in start_ids + chosen]
    assert len(trained_on) == 3


def test_the_report_is_written(run):
    results, md = run["results"], (run["dir"] / "tiny.md").read_text(encoding="utf-8")
    assert set(results["summary"]) >= {"start", "uncertainty", "random", "uncertainty_minus_random"}
    assert results["machine"]["processor"] and results["wall_seconds"] > 0
    assert f"| {SEED} |" in md and "mean ± sd" in md
    assert md.rstrip().splitlines()[-1] == results["verdict"] and "Uncertainty sampling" in results["verdict"]
