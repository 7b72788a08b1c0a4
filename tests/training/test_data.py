import json

import pytest

from training.data import DataError, LabelSpace, load_pairs, read_labelled

SPACE = LabelSpace(("supportive", "concerned", "silent"))


def write(tmp_path, *lines, name="data.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems_of(path, space=SPACE):
    return [str(p) for p in read_labelled(path, space)[1]]


def test_a_guide_line_becomes_one_pair_per_country(tmp_path):
    path = write(tmp_path, json.dumps({"text": "Japan welcomed it; China objected.", "labels": {"Japan": "supportive", "China": "concerned"}}))
    pairs = load_pairs(path, SPACE)
    assert [(p.target, p.label) for p in pairs] == [("Japan", "supportive"), ("China", "concerned")]


def test_annotated_mentions_give_the_spans(tmp_path):
    line = {"text": "Beijing objected.", "labels": {"China": "concerned"}, "mentions": {"China": {"Beijing": "capital"}}}
    assert load_pairs(write(tmp_path, json.dumps(line)), SPACE)[0].spans == ((0, 7),)


def test_bad_json_is_reported_with_file_and_line(tmp_path):
    path = write(tmp_path, json.dumps({"text": "Peru agreed.", "labels": {"Peru": "supportive"}}), "{not json")
    assert problems_of(path) == [f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes at column 2"]


def test_an_unknown_label_is_reported(tmp_path):
    path = write(tmp_path, json.dumps({"text": "Peru agreed.", "labels": {"Peru": "happy"}}))
    assert problems_of(path) == [f"{path}:1: unknown label 'happy' for 'Peru', expected one of ['supportive', 'concerned', 'silent']"]


def test_an_alias_instead_of_the_canonical_name_is_reported_with_the_fix(tmp_path):
    path = write(tmp_path, json.dumps({"text": "The U.S. agreed.", "labels": {"USA": "supportive"}}))
    assert problems_of(path) == [f"{path}:1: unknown country 'USA' (canonical name: 'United States')"]


def test_an_unknown_country_is_reported(tmp_path):
    path = write(tmp_path, json.dumps({"text": "Atlantis agreed.", "labels": {"Atlantis": "supportive"}}))
    assert problems_of(path) == [f"{path}:1: unknown country 'Atlantis'"]


def test_empty_text_is_reported(tmp_path):
    path = write(tmp_path, json.dumps({"text": "  ", "labels": {"Peru": "silent"}}))
    assert problems_of(path) == [f"{path}:1: empty text"]


def test_missing_fields_are_reported(tmp_path):
    path = write(tmp_path, json.dumps({"labels": {"Peru": "silent"}}), json.dumps({"text": "Peru."}))
    assert problems_of(path) == [
        f"{path}:1: missing field 'text'",
        f"{path}:2: expected 'labels' (guide format) or 'target' and 'label' (pair format), found neither",
    ]


def test_a_mention_not_in_the_text_is_reported(tmp_path):
    line = {"text": "Lima agreed.", "labels": {"Peru": "supportive"}, "mentions": {"Peru": {"Peru": "name"}}}
    assert problems_of(write(tmp_path, json.dumps(line))) == [f"{tmp_path / 'data.jsonl'}:1: mention 'Peru' of 'Peru' does not occur in the text"]


def test_a_file_with_any_invalid_line_is_refused_whole(tmp_path):
    path = write(tmp_path, json.dumps({"text": "Peru agreed.", "labels": {"Peru": "supportive"}}), "[]")
    with pytest.raises(DataError, match=r"1 invalid line\(s\):\n.*data.jsonl:2: expected a JSON object, found list"):
        load_pairs(path, SPACE)


def test_pair_format_labels_are_mapped_by_the_config(tmp_path):
    space = LabelSpace(("supportive", "concerned", "silent"), {"FAVOR": "supportive", "AGAINST": "concerned", "NONE": "silent"})
    path = write(tmp_path, json.dumps({"text": "Great idea!", "target": "Atheism", "label": "FAVOR", "label_id": 2}))
    pair = load_pairs(path, space)[0]
    assert (pair.target, pair.label, pair.spans) == ("Atheism", "supportive", ())


def test_pair_format_span_is_kept(tmp_path):
    path = write(tmp_path, json.dumps({"text": "Winner met him.", "target": "Winner", "label": "silent", "span": [0, 6]}))
    assert load_pairs(path, SPACE)[0].spans == ((0, 6),)


def test_csv_in_pair_format_is_read(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text('text,target,label\n"Chile signed it, gladly.",Chile,supportive\n', encoding="utf-8")
    assert [(p.text, p.label) for p in load_pairs(path, SPACE)] == [("Chile signed it, gladly.", "supportive")]


def test_csv_problems_name_the_line(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("text,target,label\nok,Chile,supportive\nbad,Chile,maybe\n", encoding="utf-8")
    assert problems_of(path) == [f"{path}:3: unknown label 'maybe', expected one of ['supportive', 'concerned', 'silent'] or a key of data.label_map"]


def test_a_missing_file_is_reported(tmp_path):
    assert problems_of(tmp_path / "nope.jsonl") == [f"{tmp_path / 'nope.jsonl'}:0: no such file"]


def test_invalid_utf8_is_reported(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "caf\xe9", "labels": {"Peru": "silent"}}\n')
    assert problems_of(path)[0].startswith(f"{path}:1: not UTF-8 text")


def test_every_pair_of_a_line_carries_its_development(tmp_path):
    line = {"text": "Japan welcomed it; China objected.", "development": "the fisheries deal",
            "labels": {"Japan": "supportive", "China": "concerned"}}
    assert {p.development for p in load_pairs(write(tmp_path, json.dumps(line)), SPACE)} == {"the fisheries deal"}


def test_a_line_without_a_development_gives_pairs_without_one(tmp_path):
    line = {"text": "Japan welcomed it.", "labels": {"Japan": "supportive"}}
    assert load_pairs(write(tmp_path, json.dumps(line)), SPACE)[0].development is None
