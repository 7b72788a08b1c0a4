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
