"""Corrections from the page: keyed by the sentence, updating in place with a history."""

import sqlite3

import pytest

from classifier.errors import InvalidExample
from training.data import LabelSpace
from training.label_store import LabelStore, text_key

SPACE = LabelSpace(("supportive", "concerned", "silent"), {})
SENTENCE = "Japan welcomed the accord, while China warned against it."
FIRST = {"text": SENTENCE, "labels": {"Japan": "supportive", "China": "supportive"}, "development": "the accord"}
SECOND = {**FIRST, "labels": {"Japan": "supportive", "China": "concerned"}}


@pytest.fixture
def store(tmp_path):
    return LabelStore.in_state_dir(tmp_path / "state")


def test_a_first_correction_creates_an_example_with_the_page_as_its_source(store):
    correction = store.correct(FIRST, SPACE, model_version="v1")
    assert correction.status == "created"
    assert store.examples() == [{**FIRST, "source": "page"}]


def test_correcting_a_stored_sentence_updates_it_instead_of_adding_one(store):
    first = store.correct(FIRST, SPACE, model_version="v1")
    second = store.correct(SECOND, SPACE, model_version="v1")
    assert (second.id, second.status) == (first.id, "updated")
    assert store.examples() == [{**SECOND, "source": "page"}]


def test_the_replaced_labels_are_kept_in_the_history_with_the_proposing_model(store):
    first = store.correct(FIRST, SPACE, model_version="v1")
    store.correct(SECOND, SPACE, model_version="v2")
    [old] = store.history(first.id)
    assert old["example"]["labels"] == FIRST["labels"] and old["model_version"] == "v1"


def test_the_same_correction_twice_is_unchanged_and_stores_nothing_more(store):
    first = store.correct(FIRST, SPACE)
    again = store.correct(dict(FIRST, text="Japan welcomed the accord , while China warned against it!"), SPACE)
    assert (again.id, again.status) == (first.id, "unchanged")
    assert store.count() == 1 and store.history(first.id) == []


def test_a_correction_updates_a_sentence_sent_in_through_the_labels_api(store):
    [accepted] = store.add([FIRST], SPACE, source="api").accepted
    assert store.correct(SECOND, SPACE).id == accepted.id and store.count() == 1


def test_the_same_sentence_under_another_development_is_another_example(store):
    store.correct(FIRST, SPACE)
    other = store.correct(dict(FIRST, development="the sanctions"), SPACE)
    assert other.status == "created" and store.count() == 2


def test_an_unknown_country_or_label_is_refused_naming_it_and_nothing_is_stored(store):
    with pytest.raises(InvalidExample) as refused:
        store.correct({"text": SENTENCE, "labels": {"Atlantis": "supportive", "Japan": "thrilled"}}, SPACE)
    assert "'Atlantis'" in str(refused.value) and "'thrilled'" in str(refused.value)
    assert store.count() == 0


def test_labelled_text_keys_are_those_of_every_stored_example_whatever_its_spelling(store):
    store.correct(FIRST, SPACE)
    assert store.labelled_text_keys() == {text_key(SENTENCE)} == {text_key("  japan WELCOMED the accord while china warned against it")}


def _first_release_store(path):
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:  # the schema of the first release, at user_version 1
        db.execute("CREATE TABLE examples (id INTEGER PRIMARY KEY AUTOINCREMENT, dedup_key TEXT NOT NULL UNIQUE,"
                   " example TEXT NOT NULL, source TEXT NOT NULL, added_at TEXT NOT NULL)")
        db.execute("INSERT INTO examples (dedup_key, example, source, added_at) VALUES ('old', ?, 'api', 'then')",
                   ('{"text": "%s", "labels": {"Japan": "supportive", "China": "supportive"}, "development": "the accord"}' % SENTENCE,))
        db.execute("PRAGMA user_version = 1")


def test_a_store_from_before_sentence_keys_gives_its_labelled_text_keys_before_any_write(store):
    _first_release_store(store.path)
    assert store.labelled_text_keys() == {text_key(SENTENCE)}


def test_a_store_from_before_sentence_keys_is_migrated_and_corrections_find_its_examples(store, tmp_path):
    _first_release_store(store.path)
    correction = store.correct(SECOND, SPACE)
    assert (correction.id, correction.status) == (1, "updated") and store.count() == 1
