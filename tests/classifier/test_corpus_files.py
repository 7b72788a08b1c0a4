import json

import pytest

from classifier.corpus_files import BadRecord, CorpusDocument, count_records, read_corpus
from classifier.errors import InputError


def _write(path, lines):
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_jsonl_records_become_documents_with_their_fields(tmp_path):
    path = _write(tmp_path / "docs.jsonl", [{"id": "a", "text": "Japan agreed.", "date": "2024-03-01T10:00:00Z", "countries": ["Japan"], "development": "the pact", "source": "wire"}])
    [doc] = read_corpus([str(path)])
    assert doc == CorpusDocument(id="a", text="Japan agreed.", origin=f"{path}:1", date="2024-03-01", countries=("Japan",), development="the pact", source="wire")


def test_a_record_without_an_id_gets_its_file_name_and_line(tmp_path):
    path = _write(tmp_path / "docs.jsonl", [{"text": "Japan agreed."}, {"text": "Peru objected."}])
    assert [doc.id for doc in read_corpus([str(path)])] == ["docs.jsonl:1", "docs.jsonl:2"]


@pytest.mark.parametrize(
    "record, reason",
    [
        ({"text": ""}, "non-empty 'text'"),
        ({"text": "Japan agreed.", "date": "last week"}, "ISO date"),
        ({"text": "Japan agreed.", "countries": []}, "'countries'"),
        ({"text": "Japan agreed.", "development": 7}, "'development'"),
        ({"text": "Japan agreed.", "id": ["x"]}, "'id'"),
    ],
)
def test_a_record_that_does_not_fit_is_reported_with_its_file_and_line(tmp_path, record, reason):
    path = _write(tmp_path / "docs.jsonl", [{"text": "Japan agreed."}, record])
    items = list(read_corpus([str(path)]))
    assert isinstance(items[1], BadRecord) and items[1].origin == f"{path}:2" and reason in items[1].reason


def test_invalid_json_is_reported_not_dropped(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "Japan agreed."}\n{oops\n')
    items = list(read_corpus([str(path)]))
    assert isinstance(items[1], BadRecord) and "invalid JSON" in str(items[1]) and str(items[1]).startswith(f"{path}:2:")


def test_an_id_seen_twice_is_a_bad_record(tmp_path):
    path = _write(tmp_path / "docs.jsonl", [{"id": "a", "text": "Japan agreed."}, {"id": "a", "text": "Peru objected."}])
    items = list(read_corpus([str(path)]))
    assert isinstance(items[1], BadRecord) and "appears twice" in items[1].reason


def test_csv_records_take_countries_as_a_list_or_separated_by_semicolons(tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text('id,text,countries\na,"Japan agreed, with Peru.",Japan;Peru\nb,Chile objected.,"[""Chile""]"\n')
    docs = list(read_corpus([str(path)]))
    assert [d.countries for d in docs] == [("Japan", "Peru"), ("Chile",)] and docs[1].origin == f"{path}:3"


def test_parquet_records_are_read_by_row(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "docs.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "a", "text": "Japan agreed.", "date": None}, {"id": "b", "text": "", "date": None}]), path)
    items = list(read_corpus([str(path)]))
    assert items[0].id == "a" and isinstance(items[1], BadRecord) and items[1].origin == f"{path}:row 2"
    assert count_records([str(path)]) == 2


def test_an_unknown_extension_is_refused_before_reading(tmp_path):
    with pytest.raises(InputError, match="cannot tell its format"):
        list(read_corpus([str(tmp_path / "docs.xlsx")]))


def test_a_line_nested_too_deeply_is_a_bad_record_not_a_crash(tmp_path):
    from classifier.corpus_files import BadRecord, read_corpus

    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    [item] = list(read_corpus([str(path)]))
    assert isinstance(item, BadRecord) and item.reason == "invalid JSON: nested too deeply"
