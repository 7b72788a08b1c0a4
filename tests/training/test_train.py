import json

import pytest

from classifier.checkpoint_files import META_FILE, RUN_CONFIG_FILE
from classifier.config import RunConfig
from training.train import fingerprint, is_current


def test_a_checkpoint_describes_how_it_was_made(tiny_checkpoint, tiny_config):
    meta = json.loads((tiny_checkpoint / META_FILE).read_text())
    assert meta["labels"] == ["supportive", "concerned", "silent"]
    assert meta["base_model"]["sha256"] and meta["training_config"] == tiny_config.model_dump(mode="json")
    assert set(meta["data"]) == {"train", "dev"} and all(len(d["sha256"]) == 64 for d in meta["data"].values())
    assert meta["metrics"]["best_epoch"] in (1, 2) and len(meta["metrics"]["epochs"]) >= 1
    assert {"torch", "transformers", "python"} <= set(meta["versions"]) and meta["created_at"]


def test_the_checkpoint_holds_the_config_it_was_trained_with(tiny_checkpoint, tiny_config):
    saved = RunConfig.from_yaml(tiny_checkpoint / RUN_CONFIG_FILE)
    assert saved == tiny_config.with_absolute_paths()


def test_the_best_epoch_is_the_one_with_the_highest_dev_f1(tiny_checkpoint):
    metrics = json.loads((tiny_checkpoint / META_FILE).read_text())["metrics"]
    best = max(metrics["epochs"], key=lambda e: e["dev"]["macro_f1"])
    assert metrics["best_epoch"] == best["epoch"]


def test_a_checkpoint_is_current_for_its_own_config_only(tiny_checkpoint, tiny_config):
    assert is_current(tiny_checkpoint, tiny_config)
    changed = tiny_config.model_copy(update={"training": tiny_config.training.model_copy(update={"seed": 99})})
    assert fingerprint(changed) != fingerprint(tiny_config) and not is_current(tiny_checkpoint, changed)


def test_training_twice_with_the_same_seed_gives_the_same_dev_scores(tiny_config, tmp_path):
    from training.train import train

    a = json.loads((train(tiny_config, tmp_path / "a", quiet=True) / META_FILE).read_text())["metrics"]["epochs"]
    b = json.loads((train(tiny_config, tmp_path / "b", quiet=True) / META_FILE).read_text())["metrics"]["epochs"]
    assert [e["train_loss"] for e in a] == [e["train_loss"] for e in b]


def _pairs(*texts):
    from classifier.pairs import StancePair

    return [StancePair(text, "Japan") for text in texts]


def test_an_epoch_batches_every_pair_once_and_keeps_groups_together():
    import torch

    from training.train import epoch_batches

    pairs = _pairs("a", "a", "bb", "ccc", "ccc", "dddd")
    groups = [[0, 1], [2], [3, 4], [5]]
    batches = epoch_batches(pairs, groups, batch_size=2, generator=torch.Generator().manual_seed(1), group_by_length=False)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(6))
    assert abs(flat.index(0) - flat.index(1)) == 1 and abs(flat.index(3) - flat.index(4)) == 1


def test_grouping_by_length_puts_similar_lengths_in_a_batch():
    import torch

    from training.train import epoch_batches

    pairs = _pairs("a", "bbbbbbbb", "c", "dddddddd")
    batches = epoch_batches(pairs, [[i] for i in range(4)], 2, torch.Generator().manual_seed(3), group_by_length=True)
    assert sorted(sorted(len(pairs[i].text) for i in b) for b in batches) == [[1, 1], [8, 8]]


def test_sentence_batches_hold_whole_sentences_and_count_sentences():
    import torch

    from training.train import epoch_batches

    pairs = _pairs("a", "a", "a", "bb", "ccc", "ccc", "dddd", "eeeee", "eeeee")
    groups = [[0, 1, 2], [3], [4, 5], [6], [7, 8]]
    batches = epoch_batches(pairs, groups, 2, torch.Generator().manual_seed(5), group_by_length=True, by_group=True)
    assert len(batches) == 3 and sorted(i for b in batches for i in b) == list(range(9))
    assert all(len({pairs[i].text for i in b}) <= 2 and all(set(g) <= set(b) or not set(g) & set(b) for g in groups) for b in batches)


def test_withholding_the_development_drops_it_from_whole_sentences_only():
    import torch

    from classifier.pairs import StancePair
    from training.train import without_development

    pairs = [StancePair(text, country, development="the pact") for text in "abcdefghij" for country in ("Japan", "Chile")]
    groups = [[i, i + 1] for i in range(0, len(pairs), 2)]
    out = without_development(pairs, groups, 0.5, torch.Generator().manual_seed(3))
    kept = [out[a].development is not None for a, _ in groups]
    assert all((out[a].development is None) == (out[b].development is None) for a, b in groups)
    assert 0 < sum(kept) < len(groups) and [p.label for p in out] == [p.label for p in pairs]


def test_no_dropout_keeps_every_development():
    import torch

    from classifier.pairs import StancePair
    from training.train import without_development

    pairs = [StancePair("a", "Japan", development="the pact")]
    assert without_development(pairs, [[0]], 0.0, torch.Generator()) == pairs


def test_a_checkpoint_that_reads_the_development_reports_dev_without_it(tiny_checkpoint):
    meta = json.loads((tiny_checkpoint / "stance.json").read_text())
    assert meta["development_input"] is True
    assert set(meta["metrics"]["dev_without_development"]) >= {"macro_f1"}


def test_a_checkpoint_holds_the_temperature_fitted_on_dev_and_applies_it(tiny_checkpoint):
    from classifier.model import StanceClassifier

    meta = json.loads((tiny_checkpoint / "stance.json").read_text())
    calibration = meta["calibration"]
    assert calibration["fitted_on"] == "dev" and calibration["after"]["nll"] <= calibration["before"]["nll"]
    assert StanceClassifier.from_pretrained(tiny_checkpoint).temperature == calibration["temperature"]


def test_dev_metrics_and_temperature_are_those_of_the_model_as_served(tiny_checkpoint, tiny_config):
    from classifier.model import StanceClassifier
    from classifier.precision import resolve
    from training.data import LabelSpace, load_pairs
    from training.train import calibrate_on, evaluate_pairs

    meta = json.loads((tiny_checkpoint / META_FILE).read_text())
    served = StanceClassifier.from_pretrained(tiny_checkpoint)
    served.temperature = 1.0  # the raw model, as it was before the temperature was fitted
    dev = load_pairs(tiny_config.data.dev, LabelSpace(tuple(tiny_config.labels)))
    assert meta["calibration"]["precision"] == served.precision == resolve(tiny_config.inference.precision)
    assert evaluate_pairs(served, dev)["macro_f1"] == meta["metrics"]["dev"]["macro_f1"]
    assert calibrate_on(served, dev)["temperature"] == pytest.approx(meta["calibration"]["temperature"], abs=1e-4)
