"""What the review queue asks next: least sure first, one per sentence, spread over documents."""

import pytest

from training.uncertainty import Candidate, least_sure, margin


def scores(top: float, second: float) -> dict:
    return {"supportive": top, "concerned": second, "silent": round(1 - top - second, 6)}


def pair(document, sentence, country, top, second) -> Candidate:
    return Candidate(document, sentence, country, scores(top, second))


def keys(chosen) -> list:
    return [(c.document, c.sentence, c.country) for c in chosen]


def test_the_margin_is_the_gap_between_the_two_most_probable_labels():
    assert margin({"supportive": 0.5, "concerned": 0.3, "silent": 0.2}) == pytest.approx(0.2)


def test_the_least_sure_pairs_come_first():
    chosen = least_sure([pair("a", 0, "Japan", 0.9, 0.05), pair("b", 0, "China", 0.4, 0.35), pair("c", 0, "Peru", 0.6, 0.3)], 3)
    assert keys(chosen) == [("b", 0, "China"), ("c", 0, "Peru"), ("a", 0, "Japan")]


def test_a_sentence_is_offered_once_as_its_least_sure_pair():
    chosen = least_sure([pair("a", 0, "Japan", 0.9, 0.05), pair("a", 0, "China", 0.45, 0.4)], 5)
    assert keys(chosen) == [("a", 0, "China")]


def test_near_ties_go_to_another_document_before_a_second_sentence_of_the_same_one():
    candidates = [pair("long", i, "Japan", 0.401 + i / 10000, 0.4) for i in range(5)] + [pair("short", 0, "China", 0.4015, 0.4)]
    chosen = least_sure(candidates, 2)
    assert keys(chosen) == [("long", 0, "Japan"), ("short", 0, "China")]


def test_a_clearly_less_sure_pair_is_not_pushed_back_to_spread_documents():
    candidates = [pair("a", 0, "Japan", 0.40, 0.39), pair("a", 1, "Japan", 0.41, 0.39), pair("b", 0, "China", 0.7, 0.2)]
    assert keys(least_sure(candidates, 3))[:2] == [("a", 0, "Japan"), ("a", 1, "Japan")]


def test_excluded_sentences_are_never_offered():
    chosen = least_sure([pair("a", 0, "Japan", 0.4, 0.39), pair("a", 1, "Peru", 0.9, 0.05)], 5, exclude=[("a", 0)])
    assert keys(chosen) == [("a", 1, "Peru")]


def test_n_bounds_the_answer():
    assert len(least_sure([pair("a", i, "Japan", 0.5, 0.3) for i in range(10)], 4)) == 4
