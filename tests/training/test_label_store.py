import json
import re
import sqlite3

import pytest
from tests_support import write_jsonl

from stance_cli import main
from training.data import LabelSpace, read_labelled
from training.label_store import NOT_GUIDE_FORMAT, LabelStore

SPACE = LabelSpace(("supportive", "concerned", "silent"), {"FAVOR": "supportive"})
JAPAN = {"text": "Japan welcomed the accord.", "labels": {"Japan": "supportive"}}
PAIR = {"text": "China warned against the accord.", "labels": {"China": "concerned", "Japan": "silent"}, "source": "desk"}


@pytest.fixture
def store(tmp_path):
    return LabelStore.in_state_dir(tmp_path / "state")


def test_valid_examples_are_stored_with_their_ids(store):
    intake = store.add([JAPAN, PAIR], SPACE, source="api")
    assert [(a.index, a.id) for a in intake.accepted] == [(0, 1), (1, 2)] and intake.rejected == []
    assert store.examples() == [JAPAN, PAIR]


def test_what_was_accepted_is_there_for_a_new_store_on_the_same_file(store):
    store.add([JAPAN], SPACE, source="api")
    assert LabelStore(store.path).examples() == [JAPAN]


def test_an_invalid_example_is_rejected_with_its_index_and_reason_and_not_stored(store):
    intake = store.add([JAPAN, {"text": "Peru agreed.", "labels": {"Peru": "meh"}}], SPACE, source="api")
    assert [(r.index, r.reason) for r in intake.rejected] == [
        (1, "unknown label 'meh' for 'Peru', expected one of ['supportive', 'concerned', 'silent']")
    ]
    assert store.count() == 1


def test_a_country_not_under_its_canonical_name_is_rejected_with_the_name_to_use(store):
    [rejected] = store.add([{"text": "The U.S. agreed.", "labels": {"USA": "supportive"}}], SPACE, source="api").rejected
    assert rejected.reason == "unknown country 'USA' (canonical name: 'United States')"


def test_every_reason_of_an_example_is_reported(store):
    intake = store.add([{"text": "Peru agreed.", "labels": {"Peru": "meh"}, "colour": "red"}], SPACE, source="api")
    assert [r.reason for r in intake.rejected] == [
        "unknown field 'colour'", "unknown label 'meh' for 'Peru', expected one of ['supportive', 'concerned', 'silent']"
    ]


def test_an_example_that_is_not_an_object_is_rejected(store):
    [rejected] = store.add(["Japan welcomed it"], SPACE, source="api").rejected
    assert rejected.reason == "expected a JSON object, found str"


def test_the_pair_format_is_refused(store):
    [rejected] = store.add([{"text": "Japan agreed.", "target": "Japan", "label": "supportive"}], SPACE, source="api").rejected
    assert rejected.reason == NOT_GUIDE_FORMAT


def test_a_stored_example_sent_again_is_reported_as_a_duplicate_and_not_stored_again(store):
    store.add([JAPAN], SPACE, source="api")
    again = {"text": "  japan  WELCOMED the accord.", "labels": {"Japan": "FAVOR"}}
    intake = store.add([again], SPACE, source="api")
    assert intake.accepted == [] and [(r.index, r.reason, r.duplicate_of) for r in intake.rejected] == [
        (0, "duplicate of example 1", 1)
    ]
    assert store.count() == 1


def test_a_duplicate_within_one_request_is_stored_once(store):
    intake = store.add([JAPAN, JAPAN], SPACE, source="api")
    assert [a.index for a in intake.accepted] == [0] and intake.rejected[0].duplicate_of == intake.accepted[0].id


def test_the_same_text_with_other_labels_is_not_a_duplicate(store):
    intake = store.add([JAPAN, {**JAPAN, "labels": {"Japan": "silent"}}], SPACE, source="api")
    assert len(intake.accepted) == 2


def test_labels_are_stored_under_the_models_names(store):
    store.add([{"text": "Japan agreed.", "labels": {"Japan": "FAVOR"}}], SPACE, source="api")
    assert store.examples()[0]["labels"] == {"Japan": "supportive"}


def test_a_failed_add_stores_nothing_of_its_request(store, monkeypatch):
    calls = []

    def failing_on_the_second(example):
        calls.append(example)
        if len(calls) == 2:
            raise OSError("disk full")
        return str(len(calls))

    monkeypatch.setattr("training.label_store._dedup_key", failing_on_the_second)
    with pytest.raises(OSError, match="disk full"):
        store.add([JAPAN, PAIR], SPACE, source="api")
    assert store.count() == 0


def test_the_database_is_in_wal_mode(store):
    store.add([JAPAN], SPACE, source="api")
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_export_is_the_guides_format_that_training_reads(store, tmp_path):
    store.add([JAPAN, PAIR], SPACE, source="api")
    assert store.export(tmp_path / "labels.jsonl") == 2
    records, problems = read_labelled(tmp_path / "labels.jsonl", SPACE)
    assert problems == [] and [r.data for r in records] == [JAPAN, PAIR]


def test_stats_count_pairs_by_label_and_country_and_examples_by_source(store):
    store.add([JAPAN, PAIR], SPACE, source="api")
    assert store.stats() == {
        "examples": 2, "pairs": 3,
        "by_label": {"supportive": 1, "concerned": 1, "silent": 1},
        "by_country": {"Japan": 2, "China": 1},
        "by_source": {"api": 1, "desk": 1},
    }


# -- stance labels add / export -------------------------------------------------------------------
@pytest.fixture
def state_env(tmp_path, monkeypatch, tiny_config):
    config = tmp_path / "run.yaml"
    config.write_text(tiny_config.to_yaml())
    monkeypatch.setenv("STANCE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STANCE_RETRAIN_CONFIG", str(config))
    return LabelStore.in_state_dir(tmp_path / "state")


def test_labels_add_stores_a_file_and_reports_duplicates_by_line(state_env, tmp_path, capsys):
    state_env.add([JAPAN], SPACE, source="api")
    france = {"text": "France abstained.", "labels": {"France": "silent"}}
    path = write_jsonl(tmp_path / "new.jsonl", [PAIR, JAPAN, france])
    assert main(["labels", "add", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"{path}:2: duplicate of example 1, not stored again" in captured.err
    assert "stored 2 new example(s) from" in captured.out
    assert state_env.stats()["by_source"] == {"api": 1, "desk": 1, "file:new.jsonl": 1}


def test_labels_add_refuses_a_file_with_an_invalid_line_and_stores_nothing(state_env, tmp_path, capsys):
    path = write_jsonl(tmp_path / "new.jsonl", [JAPAN, {"text": "Peru agreed.", "labels": {"Peru": "meh"}}])
    assert main(["labels", "add", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2: unknown label 'meh'" in err
    assert "nothing was stored: a file with any invalid line is refused whole" in err and state_env.count() == 0


def test_labels_export_writes_json_lines(state_env, tmp_path, capsys):
    state_env.add([JAPAN, PAIR], SPACE, source="api")
    assert main(["labels", "export", str(tmp_path / "out.jsonl")]) == 0
    assert [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()] == [JAPAN, PAIR]
    assert re.search(r"wrote 2 example\(s\)", capsys.readouterr().out)


def test_a_sentence_differing_only_in_quotes_and_punctuation_is_a_duplicate(store):
    store.add([JAPAN], SPACE, source="api")
    intake = store.add([dict(JAPAN, text="\u201cJapan welcomed the accord!\u201d")], SPACE, source="api")
    assert intake.accepted == [] and intake.rejected[0].duplicate_of == 1


def test_a_store_written_under_the_old_duplicate_key_is_rekeyed_and_keeps_every_example(store):
    import hashlib

    store.add([JAPAN, PAIR], SPACE, source="api")
    old_key = lambda e: hashlib.sha256(json.dumps([" ".join(e["text"].casefold().split()), sorted(e["labels"].items())]).encode()).hexdigest()  # noqa: E731
    with sqlite3.connect(store.path) as db:  # as an older version of the store left it
        for row_id, example in ((1, JAPAN), (2, PAIR)):
            db.execute("UPDATE examples SET dedup_key = ? WHERE id = ?", (old_key(example), row_id))
        db.execute("PRAGMA user_version = 0")
    intake = store.add([dict(JAPAN, text="Japan welcomed the accord!")], SPACE, source="api")
    assert intake.rejected[0].duplicate_of == 1 and store.examples() == [JAPAN, PAIR]


def test_concurrent_first_writes_to_a_new_store_all_succeed(tmp_path):
    # The first connections to a new file race to switch it to WAL; none may fail as "locked".
    import threading

    for trial in range(30):
        store = LabelStore(tmp_path / f"labels-{trial}.sqlite3")
        errors, threads = [], []
        for i in range(16):
            example = {"text": f"Japan welcomed proposal {trial}-{i}.", "labels": {"Japan": "supportive"}}

            def add(example=example):
                try:
                    store.add([example], SPACE, source="api")
                except Exception as err:  # noqa: BLE001 - collected and asserted below
                    errors.append(err)

            threads.append(threading.Thread(target=add))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and store.count() == 16
