"""`stance predict --engine ray`: the corpus job on a local 2-CPU Ray instance (127.0.0.1 only)."""

import json

import pytest

from stance_cli import main

pytest.importorskip("ray.data")

DOCS = [{"id": f"d{i}", "text": text} for i, text in enumerate(
    ["Japan agreed to the pact. Peru objected.", "Chile stayed silent.", "No country here.", "Brazil and Spain welcomed it.",
     "Italy warned against the deal, while France backed it.", "Kenya declined to comment.", "Mexico hailed the accord."] * 3
)]


def _rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_ray_output_equals_local_output(tiny_checkpoint, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    common = ["predict", "--checkpoint", str(tiny_checkpoint), "--progress", "never", "--chunk-size", "4"]
    assert main([*common, "--output", str(tmp_path / "local.jsonl"), str(docs)]) == 0
    assert main([*common, "--engine", "ray", "--workers", "2", "--wave-size", "10", "--output", str(tmp_path / "ray.jsonl"), str(docs)]) == 0
    local, ray_rows = _rows(tmp_path / "local.jsonl"), _rows(tmp_path / "ray.jsonl")
    assert [{k: v for k, v in r.items() if not k.startswith("p_")} for r in ray_rows] == [
        {k: v for k, v in r.items() if not k.startswith("p_")} for r in local
    ]
    assert all(abs(a[k] - b[k]) <= 1e-6 for a, b in zip(local, ray_rows) for k in a if k.startswith("p_"))


def _write(path, docs, bad_line_at=None):
    lines = [json.dumps(d) + "\n" for d in docs]
    if bad_line_at is not None:
        lines.insert(bad_line_at - 1, "{not json\n")
    path.write_text("".join(lines))
    return path


def test_a_ray_job_skips_committed_documents_and_reports_bad_records(tiny_checkpoint, tmp_path, capsys):
    common = ["predict", "--checkpoint", str(tiny_checkpoint), "--progress", "never", "--chunk-size", "4"]
    assert main([*common, "--output", str(tmp_path / "whole.jsonl"), str(_write(tmp_path / "all.jsonl", DOCS))]) == 0
    out = tmp_path / "resumed.jsonl"
    assert main([*common, "--output", str(out), str(_write(tmp_path / "first.jsonl", DOCS[:8]))]) == 0
    docs = _write(tmp_path / "docs.jsonl", DOCS, bad_line_at=12)
    status = main([*common, "--engine", "ray", "--workers", "2", "--wave-size", "5", "--output", str(out), str(docs)])
    assert status == 1
    assert "docs.jsonl:12: invalid JSON" in capsys.readouterr().err
    strip = lambda rows: [{k: v for k, v in r.items() if not k.startswith("p_")} for r in rows]  # noqa: E731
    assert strip(_rows(out)) == strip(_rows(tmp_path / "whole.jsonl"))


def test_a_fatal_bad_record_stops_a_ray_job_with_the_waves_before_it_committed(tiny_checkpoint, tmp_path):
    docs = _write(tmp_path / "docs.jsonl", DOCS, bad_line_at=15)
    out = tmp_path / "out.jsonl"
    common = ["predict", "--checkpoint", str(tiny_checkpoint), "--progress", "never", "--engine", "ray", "--wave-size", "5"]
    assert main([*common, "--on-error", "fail", "--output", str(out), str(docs)]) == 1
    committed = [doc for entry in _rows(tmp_path / "out.jsonl.progress") for doc in entry.get("documents", [])]
    assert committed == [d["id"] for d in DOCS[:10]]  # waves 1-2; wave 3 held the bad line


def test_a_ray_job_reads_standard_input(tiny_checkpoint, tmp_path, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("".join(json.dumps(d) + "\n" for d in DOCS[:6]).encode())))
    out = tmp_path / "out.jsonl"
    assert main(["predict", "--checkpoint", str(tiny_checkpoint), "--progress", "never", "--engine", "ray", "--output", str(out), "-"]) == 0
    assert {r["id"] for r in _rows(out)} == {d["id"] for d in DOCS[:6] if d["text"] != "No country here."}
