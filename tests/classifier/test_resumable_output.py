import json

import pytest

from classifier.errors import InputError
from classifier.resumable_output import open_output

COLUMNS = ["id", "country", "stance"]


def _rows(ids):
    return [{"id": i, "country": "Japan", "stance": "silent"} for i in ids]


def _read(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_committed_documents_are_skipped_when_the_output_is_opened_again(tmp_path):
    out = open_output(tmp_path / "out.jsonl", COLUMNS)
    out.commit(_rows(["a", "b"]), ["a", "b", "c"])  # c had no country: no rows, still done
    assert open_output(tmp_path / "out.jsonl", COLUMNS).done == {"a", "b", "c"}


def test_rows_written_after_the_last_commit_are_cut_on_resume(tmp_path):
    path = tmp_path / "out.jsonl"
    open_output(path, COLUMNS).commit(_rows(["a"]), ["a"])
    with open(path, "a") as fh:  # a job killed while writing its next chunk
        fh.write('{"id": "b", "country": "Japan", "stance": "sil')
    resumed = open_output(path, COLUMNS)
    resumed.commit(_rows(["b"]), ["b"])
    assert [row["id"] for row in _read(path)] == ["a", "b"]


def test_a_progress_line_cut_by_a_kill_does_not_count(tmp_path):
    path = tmp_path / "out.jsonl"
    open_output(path, COLUMNS).commit(_rows(["a"]), ["a"])
    with open(path.with_name("out.jsonl.progress"), "a") as fh:
        fh.write('{"bytes": 99, "rows": 1, "documents": ["b"')
    assert open_output(path, COLUMNS).done == {"a"}


def test_an_existing_file_not_written_by_a_job_is_refused(tmp_path):
    (tmp_path / "out.jsonl").write_text("precious\n")
    with pytest.raises(InputError, match="was not written by a corpus job"):
        open_output(tmp_path / "out.jsonl", COLUMNS)
    assert (tmp_path / "out.jsonl").read_text() == "precious\n"


def test_resuming_with_other_columns_is_refused(tmp_path):
    open_output(tmp_path / "out.jsonl", COLUMNS).commit(_rows(["a"]), ["a"])
    with pytest.raises(InputError, match="other columns"):
        open_output(tmp_path / "out.jsonl", [*COLUMNS, "document_stance"])


def test_parquet_parts_without_a_commit_are_deleted_on_resume(tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "out.parquet"
    open_output(path, COLUMNS).commit(_rows(["a"]), ["a"])
    (path / "part-00001.parquet").write_bytes(b"half")  # written, never committed
    resumed = open_output(path, COLUMNS)
    resumed.commit(_rows(["b"]), ["b"])
    assert pq.read_table(path).column("id").to_pylist() == ["a", "b"]


def test_an_unknown_output_extension_is_refused(tmp_path):
    with pytest.raises(InputError, match="extension"):
        open_output(tmp_path / "out.txt", COLUMNS)
