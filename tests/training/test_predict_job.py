"""`stance predict --output`: the corpus job (streaming, committed chunks, resume)."""

import json
import os
import signal
import subprocess
import sys
import time

from stance_cli import main

DOCS = [
    {"id": "d1", "text": "Japan agreed to the pact. Peru objected.", "date": "2024-01-03"},
    {"id": "d2", "text": "Chile stayed silent on the pact.", "date": "2024-01-10"},
    {"id": "d3", "text": "Nothing about any country here."},
    {"id": "d4", "text": "Brazil and Spain welcomed it.", "development": "the pact"},
]


def _jsonl(path, docs):
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


def _rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def _predict(checkpoint, *args):
    return main(["predict", "--checkpoint", str(checkpoint), "--progress", "never", *map(str, args)])


def test_a_job_writes_one_row_per_sentence_and_country(tiny_checkpoint, tmp_path):
    out = tmp_path / "out.jsonl"
    assert _predict(tiny_checkpoint, "--output", out, _jsonl(tmp_path / "docs.jsonl", DOCS)) == 0
    rows = _rows(out)
    assert [(r["id"], r["sentence"], r["country"]) for r in rows] == [
        ("d1", 0, "Japan"), ("d1", 1, "Peru"), ("d2", 0, "Chile"), ("d4", 0, "Brazil"), ("d4", 0, "Spain"),
    ]
    assert rows[0]["date"] == "2024-01-03" and rows[3]["development"] == "the pact"
    assert abs(sum(rows[0][f"p_{label}"] for label in ("supportive", "concerned", "silent")) - 1) < 1e-4


def test_summary_adds_the_documents_summary_to_each_row(tiny_checkpoint, tmp_path):
    out = tmp_path / "out.jsonl"
    assert _predict(tiny_checkpoint, "--summary", "--output", out, _jsonl(tmp_path / "docs.jsonl", DOCS)) == 0
    row = _rows(out)[0]
    assert row["document_sentences"] == 1 and row["document_stance"] == row["stance"]


def test_parquet_output_holds_the_same_rows_as_json_lines(tiny_checkpoint, tmp_path):
    import pyarrow.parquet as pq

    docs = _jsonl(tmp_path / "docs.jsonl", DOCS)
    assert _predict(tiny_checkpoint, "--output", tmp_path / "out.jsonl", docs) == 0
    assert _predict(tiny_checkpoint, "--chunk-size", 2, "--output", tmp_path / "out.parquet", docs) == 0
    assert pq.read_table(tmp_path / "out.parquet").to_pylist() == _rows(tmp_path / "out.jsonl")


def test_csv_and_parquet_inputs_give_the_rows_of_json_lines(tiny_checkpoint, tmp_path):
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = ["id", "text", "date", "development"]
    with open(tmp_path / "docs.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows({k: d.get(k, "") for k in fields} for d in DOCS)
    pq.write_table(pa.Table.from_pylist([{k: d.get(k) for k in fields} for d in DOCS]), tmp_path / "docs.parquet")
    assert _predict(tiny_checkpoint, "--output", tmp_path / "a.jsonl", _jsonl(tmp_path / "docs.jsonl", DOCS)) == 0
    assert _predict(tiny_checkpoint, "--output", tmp_path / "b.jsonl", tmp_path / "docs.csv") == 0
    assert _predict(tiny_checkpoint, "--output", tmp_path / "c.jsonl", tmp_path / "docs.parquet") == 0
    assert _rows(tmp_path / "a.jsonl") == _rows(tmp_path / "b.jsonl") == _rows(tmp_path / "c.jsonl")


def test_a_bad_record_is_reported_with_its_line_and_the_rest_is_scored(tiny_checkpoint, tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "d1", "text": "Japan agreed."}\n{oops\n{"id": "d2", "text": "Chile objected.", "countries": ["Atlantis"]}\n{"id": "d3", "text": "Peru agreed."}\n')
    assert _predict(tiny_checkpoint, "--output", tmp_path / "out.jsonl", docs) == 1
    err = capsys.readouterr().err
    assert f"{docs}:2: invalid JSON" in err and f"{docs}:3: unknown countries: 'Atlantis'" in err
    assert [r["id"] for r in _rows(tmp_path / "out.jsonl")] == ["d1", "d3"]


def test_on_error_fail_stops_at_the_first_bad_record(tiny_checkpoint, tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "d1", "text": "Japan agreed."}\n{oops\n{"id": "d3", "text": "Peru agreed."}\n')
    assert _predict(tiny_checkpoint, "--on-error", "fail", "--chunk-size", 1, "--output", tmp_path / "out.jsonl", docs) == 1
    assert [r["id"] for r in _rows(tmp_path / "out.jsonl")] == ["d1"]


def test_a_finished_job_run_again_scores_nothing_new(tiny_checkpoint, tmp_path, capsys):
    docs, out = _jsonl(tmp_path / "docs.jsonl", DOCS), tmp_path / "out.jsonl"
    assert _predict(tiny_checkpoint, "--output", out, docs) == 0
    before = out.read_text()
    assert _predict(tiny_checkpoint, "--output", out, docs) == 0
    assert out.read_text() == before and "4 were already there" in capsys.readouterr().err


def test_a_job_killed_mid_run_resumes_without_losing_or_repeating_rows(tiny_checkpoint, tmp_path):
    docs = _jsonl(tmp_path / "docs.jsonl", DOCS)
    clean = tmp_path / "clean.jsonl"
    assert _predict(tiny_checkpoint, "--output", clean, docs) == 0

    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "stance_cli", "predict", "--checkpoint", str(tiny_checkpoint), "--chunk-size", "1", "--output", str(out), "-"]
    job = subprocess.Popen(command, stdin=subprocess.PIPE, text=True, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
    job.stdin.write("".join(json.dumps(d) + "\n" for d in DOCS[:2]))
    job.stdin.flush()
    progress = tmp_path / "out.jsonl.progress"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not progress.exists() or len(progress.read_text().splitlines()) < 3):
        time.sleep(0.1)
    job.send_signal(signal.SIGKILL)  # waiting for more input, two documents committed
    job.wait()
    with open(out, "a") as fh:  # and as if it died halfway through writing a third
        fh.write('{"id": "d4", "sentence": 0, "cou')

    assert _predict(tiny_checkpoint, "--output", out, docs) == 0
    assert _rows(out) == _rows(clean)


def test_timeline_charts_a_jobs_rows_by_month(tiny_checkpoint, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert _predict(tiny_checkpoint, "--output", out, _jsonl(tmp_path / "docs.jsonl", DOCS)) == 0
    assert main(["timeline", str(out), "--by", "month", "--output", str(tmp_path / "timeline")]) == 0
    table = (tmp_path / "timeline" / "timeline.csv").read_text().splitlines()
    assert table[0].startswith("country,period,pairs") and len(table) == 1 + 3  # Japan, Peru, Chile in 2024-01
    assert (tmp_path / "timeline" / "timeline.png").exists() and "2 rows without a date" in capsys.readouterr().err


def test_timeline_aggregates_the_shards_of_a_split_corpus_as_one(tiny_checkpoint, tmp_path):
    whole, first, second = tmp_path / "whole.jsonl", tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert _predict(tiny_checkpoint, "--output", whole, _jsonl(tmp_path / "docs.jsonl", DOCS)) == 0
    assert _predict(tiny_checkpoint, "--output", first, _jsonl(tmp_path / "a.jsonl", DOCS[:1])) == 0
    assert _predict(tiny_checkpoint, "--output", second, _jsonl(tmp_path / "b.jsonl", DOCS[1:])) == 0
    assert main(["timeline", str(whole), "--output", str(tmp_path / "one")]) == 0
    assert main(["timeline", str(first), str(second), "--output", str(tmp_path / "shards")]) == 0
    assert (tmp_path / "shards" / "timeline.csv").read_text() == (tmp_path / "one" / "timeline.csv").read_text()
