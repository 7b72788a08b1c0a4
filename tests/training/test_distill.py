import json

import pytest
import torch

from classifier.checkpoint_files import META_FILE
from classifier.config import RunConfig
from classifier.errors import DataError
from tests_support import write_jsonl
from training.distill import load_soft_pairs, pool_pairs, soft_label_pool
from training.train import GoldAndSoftLoss, fingerprint

LABELS = ["supportive", "concerned", "silent"]
POOL = [
    {"id": "p-1", "topic": "t", "development": "the trade accord", "text": "Tokyo welcomed the trade accord, and Seoul said it had doubts."},
    {"id": "p-2", "topic": "t", "development": "the trade accord", "text": "The accord enters into force next month."},
    {"id": "p-3", "topic": "t", "development": "the trade accord", "text": "France backed the deal."},
]


@pytest.fixture
def pool_file(tmp_path):
    return write_jsonl(tmp_path / "pool.jsonl", POOL)


def test_pool_pairs_are_the_countries_the_finder_sees_with_their_spans():
    pairs = pool_pairs(POOL[0]["text"], "the trade accord")
    assert {p.target for p in pairs} == {"Japan", "South Korea"}
    japan = next(p for p in pairs if p.target == "Japan")
    assert POOL[0]["text"][slice(*japan.spans[0])] == "Tokyo" and japan.development == "the trade accord"


def test_soft_labelling_writes_the_teachers_probabilities_per_country(tiny_classifier, pool_file, tmp_path):
    run = soft_label_pool(tiny_classifier, [pool_file], tmp_path / "soft.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "soft.jsonl").read_text().splitlines()]
    assert (run.sentences, run.pairs, run.without_country) == (2, 3, 1)
    assert [line["id"] for line in lines] == ["p-1", "p-3"]
    pairs = pool_pairs(POOL[0]["text"], "the trade accord")
    expected = {p.target: prediction.scores for p, prediction in zip(pairs, tiny_classifier.predict_pairs(pairs))}
    assert lines[0]["soft_labels"] == expected
    assert all(abs(sum(p.values()) - 1) < 1e-3 for line in lines for p in line["soft_labels"].values())
    assert lines[0]["teacher"] == tiny_classifier.version


def test_soft_labelling_refuses_an_invalid_pool_and_writes_nothing(tiny_classifier, tmp_path):
    bad = write_jsonl(tmp_path / "pool.jsonl", [{"text": "France backed it.", "topic": "t"}])
    with pytest.raises(DataError, match="missing field 'development'"):
        soft_label_pool(tiny_classifier, [bad], tmp_path / "soft.jsonl")
    assert not (tmp_path / "soft.jsonl").exists()


def test_soft_pairs_load_with_their_probabilities_and_the_teachers_label(tmp_path):
    path = write_jsonl(tmp_path / "soft.jsonl", [{
        "id": "p-3", "text": "France backed the deal.", "development": "the deal",
        "soft_labels": {"France": {"supportive": 0.7, "concerned": 0.1, "silent": 0.2}},
    }])
    pairs, targets = load_soft_pairs(path, LABELS)
    assert [(p.target, p.label, p.development) for p in pairs] == [("France", "supportive", "the deal")]
    assert targets == [[0.7, 0.1, 0.2]]


@pytest.mark.parametrize("soft, reason", [
    ({"France": {"supportive": 0.7, "concerned": 0.1}}, "a probability for each"),
    ({"France": {"supportive": 0.7, "concerned": 0.7, "silent": 0.2}}, "summing to 1"),
    ({}, "non-empty"),
])
def test_a_soft_label_file_with_a_bad_line_is_refused_with_its_line(tmp_path, soft, reason):
    path = write_jsonl(tmp_path / "soft.jsonl", [{"text": "France backed the deal.", "soft_labels": soft}])
    with pytest.raises(DataError, match=f"soft.jsonl:1: .*{reason}"):
        load_soft_pairs(path, LABELS)


def test_the_loss_on_gold_pairs_alone_is_torchs_weighted_cross_entropy():
    logits, labels, weight = torch.randn(5, 3), torch.tensor([0, 2, 1, 1, 0]), torch.tensor([0.5, 1.0, 2.0])
    ours = GoldAndSoftLoss(weight)(logits, torch.arange(5), labels)
    assert torch.allclose(ours, torch.nn.CrossEntropyLoss(weight=weight)(logits, labels))


def test_a_soft_pair_whose_target_is_one_hot_counts_as_a_gold_pair_of_weight_one():
    logits = torch.randn(2, 3)
    as_gold = GoldAndSoftLoss(None)(logits, torch.tensor([0, 1]), torch.tensor([2, 0]))
    as_soft = GoldAndSoftLoss(None)(logits, torch.tensor([0]), torch.tensor([2]), torch.tensor([1]),
                                    torch.tensor([[1.0, 0.0, 0.0]]))
    assert torch.allclose(as_gold, as_soft)


def test_a_distillation_temperature_compares_softened_teacher_and_student_scaled_by_its_square():
    logits, teacher_logits, t = torch.randn(2, 3), torch.randn(2, 3), 2.0
    teacher = torch.softmax(teacher_logits, dim=-1)
    ours = GoldAndSoftLoss(None, temperature=t)(logits, torch.tensor([], dtype=torch.long),
                                                torch.tensor([], dtype=torch.long), torch.tensor([0, 1]), teacher)
    expected = -(torch.softmax(teacher_logits / t, dim=-1) * torch.log_softmax(logits / t, dim=-1)).sum(-1).mean() * t * t
    assert torch.allclose(ours, expected, atol=1e-6)


def test_a_distillation_temperature_leaves_gold_pairs_as_they_are():
    logits, labels = torch.randn(4, 3), torch.tensor([0, 2, 1, 1])
    assert torch.allclose(GoldAndSoftLoss(None, temperature=3.0)(logits, torch.arange(4), labels),
                          torch.nn.CrossEntropyLoss()(logits, labels))


def test_the_default_distillation_temperature_keeps_earlier_checkpoints_current(tiny_config):
    raw = tiny_config.model_dump(mode="json")
    raw["training"]["soft_temperature"] = 2.0
    assert fingerprint(RunConfig.from_dict(raw)) != fingerprint(tiny_config)
    dumped = tiny_config.model_dump(mode="json")
    assert dumped["training"]["soft_temperature"] == 1.0
    import hashlib
    import training.train as train_module
    del dumped["retrain"], dumped["inference"]
    for key in ("train", "dev", "soft"):
        dumped["data"].pop(key, None)
    del dumped["training"]["soft_temperature"]
    before = {"config": dumped, "data": train_module.data_hashes(tiny_config)}
    assert fingerprint(tiny_config) == hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()


def test_a_student_trains_on_gold_plus_soft_labels_and_records_them(tiny_config, tiny_classifier, pool_file, tmp_path):
    from training.train import train

    soft = soft_label_pool(tiny_classifier, [pool_file], tmp_path / "soft.jsonl").output
    raw = tiny_config.model_dump(mode="json")
    raw["data"]["soft"] = [str(soft)]
    raw["training"]["epochs"] = 1
    config = RunConfig.from_dict(raw)
    meta = json.loads((train(config, tmp_path / "student", quiet=True) / META_FILE).read_text())
    assert meta["data"]["soft"]["pairs"] == 3 and len(meta["data"]["soft"]["sha256"][0]) == 64
    assert fingerprint(config) != fingerprint(tiny_config)


def test_country_swaps_label_a_copy_of_each_sentence_with_a_country_replaced(tiny_classifier, pool_file, tmp_path):
    run = soft_label_pool(tiny_classifier, [pool_file], tmp_path / "soft.jsonl", country_swaps=True)
    lines = [json.loads(line) for line in (tmp_path / "soft.jsonl").read_text().splitlines()]
    assert (run.sentences, run.without_country) == (2, 1)
    assert [line["id"].split("+")[0] for line in lines] == ["p-1", "p-3"]
    for line, original in zip(lines, (POOL[0], POOL[2])):
        new_country = line["id"].split("+")[1]
        assert line["text"] != original["text"] and new_country in line["soft_labels"]
        assert set(line["soft_labels"]) == {p.target for p in pool_pairs(line["text"], None)}
    pairs, _ = load_soft_pairs(tmp_path / "soft.jsonl", LABELS)
    assert len(pairs) == run.pairs
