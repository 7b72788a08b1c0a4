import json

import pytest

from classifier.errors import InputError
from training.agreement import agreement, review_sample
from tests_support import write_jsonl

GOLD = [
    {"id": "a", "text": "Japan agreed; China objected.", "labels": {"Japan": "supportive", "China": "concerned"}},
    {"id": "b", "text": "Peru said nothing.", "labels": {"Peru": "silent"}},
]


def test_the_review_sample_carries_no_labels(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    review_sample([str(gold)], fraction=1.0, seed=1, output=tmp_path / "sample.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "sample.jsonl").read_text().splitlines()]
    assert all("labels" not in row and set(row) == {"id", "text", "countries"} for row in rows)


def test_the_review_sample_shows_the_development_the_labels_are_toward(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [dict(GOLD[0], development="the accord")])
    review_sample([str(gold)], fraction=1.0, seed=1, output=tmp_path / "sample.jsonl")
    assert json.loads((tmp_path / "sample.jsonl").read_text())["development"] == "the accord"


def test_the_review_sample_can_be_drawn_from_matching_ids_only(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [dict(GOLD[0], id="h7-x-0001"), dict(GOLD[1], id="h1-y-0001")])
    assert review_sample([str(gold)], fraction=1.0, seed=1, output=tmp_path / "s.jsonl", ids_matching=r"^h7-") == 1
    assert json.loads((tmp_path / "s.jsonl").read_text())["id"] == "h7-x-0001"


def test_agreement_reports_kappa_and_each_disagreement(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    review = write_jsonl(tmp_path / "review.jsonl", [
        {"id": "a", "labels": {"Japan": "supportive", "China": "silent"}},
        {"id": "b", "labels": {"Peru": "silent"}},
    ])
    result = agreement([str(gold)], review)
    assert result["pairs"] == 3 and result["raw_agreement"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["per_label_agreement"] == {"supportive": 1.0, "concerned": 0.0, "silent": pytest.approx(2 / 3, abs=1e-4)}
    assert [(d["country"], d["first"], d["second"]) for d in result["disagreements"]] == [("China", "concerned", "silent")]


def test_a_review_that_labels_other_countries_is_refused(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    review = write_jsonl(tmp_path / "review.jsonl", [{"id": "b", "labels": {"Chile": "silent"}}])
    with pytest.raises(InputError, match=r"review of b labels \['Chile'\], expected \['Peru'\]"):
        agreement([str(gold)], review)
