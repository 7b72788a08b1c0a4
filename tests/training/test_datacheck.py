import json

from stance_cli import main
from tests_support import write_jsonl

GOOD = {"text": "Japan welcomed the accord, while China warned against it.", "labels": {"Japan": "supportive", "China": "concerned"},
        "mentions": {"Japan": {"Japan": "name"}, "China": {"China": "name"}}, "topic": "accord"}
OTHER = {"text": "Peru abstained in the vote on the new fisheries treaty.", "labels": {"Peru": "silent"}, "topic": "fisheries"}


def test_valid_files_pass(tmp_path, capsys):
    assert main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", [GOOD, OTHER]))]) == 0
    assert "OK" in capsys.readouterr().out


def test_an_invalid_line_fails_with_file_and_line(tmp_path, capsys):
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD, {"text": "Peru.", "labels": {"Peru": "meh"}}])
    assert main(["data", "check", str(path)]) == 1
    assert f"{path}:2: unknown label 'meh'" in capsys.readouterr().out


def test_a_sentence_in_two_splits_is_a_duplicate(tmp_path, capsys):
    a = write_jsonl(tmp_path / "train.jsonl", [GOOD])
    b = write_jsonl(tmp_path / "test.jsonl", [dict(GOOD, topic="other", text=GOOD["text"].upper().replace("JAPAN", "Japan").replace("CHINA", "China"))])
    assert main(["data", "check", str(a), str(b)]) == 1
    assert f"{a}:1 = {b}:1" in capsys.readouterr().out


def test_near_duplicates_are_reported(tmp_path, capsys):
    near = dict(GOOD, text=GOOD["text"].replace("accord", "accords"), topic="accord")
    main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", [GOOD, near]))])
    assert "near-duplicates (Jaccard >= 0.8): 1" in capsys.readouterr().out


def test_a_topic_in_two_files_fails(tmp_path, capsys):
    a = write_jsonl(tmp_path / "train.jsonl", [GOOD])
    b = write_jsonl(tmp_path / "dev.jsonl", [dict(OTHER, topic="accord")])
    assert main(["data", "check", str(a), str(b)]) == 1
    assert "topics in more than one file (or in the pool and a held-out file): 1" in capsys.readouterr().out


def test_statistics_count_forms_and_mixed_stances(tmp_path):
    out = tmp_path / "stats.json"
    main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", [GOOD, OTHER])), "--json", str(out)])
    total = json.loads(out.read_text())["total"]
    assert total["pairs"] == 3 and total["mixed_stance"] == {"n": 1, "share": 0.5}
    assert total["forms"]["name"] == {"n": 2, "share": 0.6667}


def test_a_mention_without_a_label_is_flagged(tmp_path, capsys):
    main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", [dict(OTHER, text="Peru and Chile abstained in the vote.")]))])
    assert "'Chile' (Chile) has no label" in capsys.readouterr().out


def test_targets_fail_a_tiny_corpus(tmp_path, capsys):
    assert main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", [GOOD])), "--targets"]) == 1
    assert "[MISS] at least 8,000 sentences: 1" in capsys.readouterr().out


POOL_LINE = {"text": "Lima said it would study the fisheries treaty before the vote.", "development": "the new fisheries treaty", "topic": "fisheries"}


def test_development_and_register_are_accepted_fields(tmp_path, capsys):
    line = dict(GOOD, development="the accord on fishing rights", register="wire")
    assert main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", [line, OTHER]))]) == 0


def test_an_unknown_register_is_reported(tmp_path, capsys):
    path = write_jsonl(tmp_path / "a.jsonl", [dict(GOOD, register="tweet")])
    assert main(["data", "check", str(path)]) == 1
    assert f"{path}:1: unknown register 'tweet'" in capsys.readouterr().out


def test_an_unknown_field_is_still_refused(tmp_path, capsys):
    path = write_jsonl(tmp_path / "a.jsonl", [dict(GOOD, developmnt="typo")])
    assert main(["data", "check", str(path)]) == 1
    assert f"{path}:1: unknown field 'developmnt'" in capsys.readouterr().out


def test_pool_lines_are_validated(tmp_path, capsys):
    pool = write_jsonl(tmp_path / "pool.jsonl", [POOL_LINE, {"text": "Peru agreed.", "topic": "fisheries"}])
    assert main(["data", "check", str(write_jsonl(tmp_path / "train.jsonl", [GOOD])), "--pool", str(pool)]) == 1
    assert f"{pool}:2: missing field 'development'" in capsys.readouterr().out


def test_a_pool_sentence_repeating_a_labelled_one_is_a_duplicate(tmp_path, capsys):
    train = write_jsonl(tmp_path / "train.jsonl", [GOOD])
    pool = write_jsonl(tmp_path / "pool.jsonl", [dict(POOL_LINE, text=GOOD["text"].replace(",", ";"))])
    assert main(["data", "check", str(train), "--pool", str(pool)]) == 1
    assert f"{train}:1 = {pool}:1" in capsys.readouterr().out


def test_a_pool_topic_of_a_held_out_file_fails(tmp_path, capsys):
    train = write_jsonl(tmp_path / "train.jsonl", [GOOD])
    dev = write_jsonl(tmp_path / "dev.jsonl", [OTHER])
    pool = write_jsonl(tmp_path / "pool.jsonl", [POOL_LINE])
    assert main(["data", "check", str(train), str(dev), "--pool", str(pool)]) == 1
    assert f"fisheries: {dev}, {pool}" in capsys.readouterr().out


def test_a_pool_topic_of_the_training_split_is_allowed(tmp_path, capsys):
    train = write_jsonl(tmp_path / "train.jsonl", [OTHER])
    pool = write_jsonl(tmp_path / "pool.jsonl", [POOL_LINE])
    assert main(["data", "check", str(train), "--pool", str(pool)]) == 0


def test_near_duplicates_fail_the_check(tmp_path):
    near = dict(GOOD, text=GOOD["text"].replace("accord", "accords"))
    assert main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", [GOOD, near]))]) == 1


def test_registers_are_counted_among_the_sentences_that_record_one(tmp_path):
    out = tmp_path / "stats.json"
    lines = [dict(GOOD, register="headline", development="the accord"), OTHER]
    main(["data", "check", str(write_jsonl(tmp_path / "a.jsonl", lines)), "--json", str(out)])
    total = json.loads(out.read_text())["total"]
    assert total["registers"]["headline"] == {"n": 1, "share": 1.0}
    assert total["development"] == {"n": 1, "share": 0.5}
