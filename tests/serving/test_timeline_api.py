"""POST /v1/timeline: an uploaded file of dated documents, charted as `stance timeline` does."""

import json

import pytest
from fastapi.testclient import TestClient

from classifier.corpus_files import read_corpus
from classifier.corpus_scoring import score_documents
from classifier.timeline import build_timeline
from serving.app import create_app
from serving.settings import Settings

DOCUMENTS = [
    {"id": "a", "date": "2024-01-03", "text": "Japan welcomed the accord. China warned against it."},
    {"id": "b", "date": "2024-01-20", "text": "China criticised the accord, while Japan hailed it."},
    {"id": "c", "date": "2024-02-11", "text": "Japan endorsed the plan. France abstained."},
]


def jsonl(documents) -> bytes:
    return "".join(json.dumps(d) + "\n" for d in documents).encode()


@pytest.fixture
def client(tiny_checkpoint):
    with TestClient(create_app(Settings(checkpoint=str(tiny_checkpoint)))) as client:
        yield client


def post(client, body: bytes, **params):
    return client.post("/v1/timeline", content=body, params=params, headers={"content-type": "application/x-ndjson"})


def test_the_points_are_those_of_stance_predict_and_stance_timeline_on_the_same_file(client, tiny_classifier, tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(jsonl(DOCUMENTS))
    rows = score_documents(tiny_classifier, list(read_corpus([str(path)])))
    expected, _ = build_timeline(rows, "month")
    response = post(client, jsonl(DOCUMENTS), by="month")
    assert response.status_code == 200, response.text
    body = response.json()
    # The same points; figures within a rounding step (the service scores in micro-batches).
    assert [(p["country"], p["period"], p["pairs"]) for p in body["points"]] == [(p.country, p.period, p.pairs) for p in expected]
    for got, want in zip(body["points"], expected):
        assert {k: v for k, v in got.items() if isinstance(v, float)} == pytest.approx(
            {k: v for k, v in want.to_row().items() if isinstance(v, float)}, abs=1e-5)
    assert (body["documents"], body["pairs"], body["by"]) == (3, len(rows), "month")


def test_weeks_start_on_mondays(client):
    periods = {p["period"] for p in post(client, jsonl(DOCUMENTS), by="week").json()["points"]}
    assert periods == {"2024-01-01", "2024-01-15", "2024-02-05"}


def test_a_csv_upload_gives_the_same_points_as_json_lines(client):
    csv = "id,date,text\n" + "".join(f'{d["id"]},{d["date"]},"{d["text"]}"\n' for d in DOCUMENTS)
    from_csv = client.post("/v1/timeline", content=csv.encode(), params={"format": "csv"}, headers={"content-type": "text/csv"})
    assert from_csv.json()["points"] == post(client, jsonl(DOCUMENTS)).json()["points"]


def test_only_the_countries_asked_for_are_kept(client):
    points = post(client, jsonl(DOCUMENTS), countries="Japan").json()["points"]
    assert {p["country"] for p in points} == {"Japan"}


def test_a_document_without_a_date_is_422_naming_it(client):
    response = post(client, jsonl([*DOCUMENTS, {"id": "undated", "text": "Japan welcomed it."}]))
    assert response.status_code == 422 and "'undated'" in response.json()["detail"]


def test_a_bad_line_is_422_with_its_line_number_and_no_server_path(client):
    response = post(client, jsonl(DOCUMENTS) + b"{not json\n")
    detail = response.json()["detail"]
    assert response.status_code == 422 and "upload.jsonl:4" in detail and "/tmp" not in detail


def test_an_unknown_period_or_country_is_422(client):
    assert post(client, jsonl(DOCUMENTS), by="year").status_code == 422
    assert "Atlantis" in post(client, jsonl(DOCUMENTS), countries="Atlantis").json()["detail"]


def test_more_documents_than_the_limit_is_413(tiny_checkpoint):
    with TestClient(create_app(Settings(checkpoint=str(tiny_checkpoint), max_timeline_documents=2))) as client:
        assert post(client, jsonl(DOCUMENTS)).status_code == 413


def test_an_empty_file_is_422(client):
    assert post(client, b"\n").status_code == 422
