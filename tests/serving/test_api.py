import json

import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.settings import Settings


@pytest.fixture(scope="module")
def client(tiny_checkpoint):
    settings = Settings(checkpoint=str(tiny_checkpoint), max_body_bytes=20_000, max_text_chars=5_000)
    with TestClient(create_app(settings)) as client:
        yield client


def test_healthz_answers_while_alive(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_answers_once_the_model_is_loaded(client):
    assert client.get("/readyz").status_code == 200


def test_limits_are_the_ones_the_service_was_started_with(client):
    limits = client.get("/v1/limits").json()
    assert limits["max_body_bytes"] == 20_000 and limits["max_text_chars"] == 5_000
    assert limits["max_batch_documents"] == Settings().max_batch_documents


def test_stance_scores_every_mentioned_country(client):
    body = client.post("/v1/stance", json={"text": "Japan welcomed the accord. Beijing objected."}).json()
    assert body["model"]["labels"] == ["supportive", "concerned", "silent"]
    assert [[c["country"] for c in s["countries"]] for s in body["sentences"]] == [["Japan"], ["China"]]
    assert body["sentences"][1]["countries"][0]["mentions"] == [{"text": "Beijing", "start": 27, "end": 34}]
    assert set(body["summary"]) == {"Japan", "China"} and "note" not in body


def test_mentions_can_be_left_out(client):
    body = client.post("/v1/stance", json={"text": "Japan agreed.", "include_mentions": False}).json()
    assert "mentions" not in body["sentences"][0]["countries"][0]


def test_given_countries_accept_aliases(client):
    body = client.post("/v1/stance", json={"text": "Washington agreed.", "countries": ["USA"]}).json()
    assert list(body["summary"]) == ["United States"]


def test_an_unknown_country_is_a_422_that_names_it(client):
    response = client.post("/v1/stance", json={"text": "Peru agreed.", "countries": ["Wakanda"]})
    assert response.status_code == 422 and "Wakanda" in response.json()["detail"]


def test_a_text_without_countries_gets_a_note(client):
    body = client.post("/v1/stance", json={"text": "The weather was mild."}).json()
    assert body["sentences"] == [] and body["summary"] == {} and "no country" in body["note"]


def test_empty_text_is_a_422(client):
    response = client.post("/v1/stance", json={"text": "   "})
    assert response.status_code == 422 and response.json()["detail"] == "text is empty"


def test_malformed_json_is_a_422_with_fastapis_error_body(client):
    response = client.post("/v1/stance", content=b'{"text": ', headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "json_invalid"


def test_a_wrong_type_is_a_422(client):
    assert client.post("/v1/stance", json={"text": 42}).status_code == 422


def test_a_text_over_the_character_limit_is_a_413(client):
    response = client.post("/v1/stance", json={"text": "Peru agreed. " * 500})
    assert response.status_code == 413 and "limit is 5000" in response.json()["detail"]


def test_a_body_over_the_byte_limit_is_a_413_before_parsing(client):
    response = client.post("/v1/stance", content=b"x" * 30_000, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json() == {"detail": "request body larger than 20000 bytes"}


def test_a_chunked_body_over_the_limit_is_a_413(client):
    chunks = (json.dumps({"text": "a"}).encode() + b" " * 10_000 for _ in range(3))
    response = client.post("/v1/stance", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_batch_answers_every_document_in_order(client):
    body = client.post("/v1/stance/batch", json={"documents": [
        {"id": "a", "text": "Japan agreed."}, {"id": "b", "text": "No countries here."}, {"id": "c", "text": "Peru objected.", "countries": ["Chile"]},
    ]}).json()
    assert [d["id"] for d in body["documents"]] == ["a", "b", "c"]
    assert list(body["documents"][0]["summary"]) == ["Japan"] and "no country" in body["documents"][1]["note"]
    assert list(body["documents"][2]["summary"]) == ["Chile"]


def test_batch_over_the_document_limit_is_a_413(client):
    documents = [{"id": str(i), "text": "Peru agreed."} for i in range(65)]
    response = client.post("/v1/stance/batch", json={"documents": documents})
    assert response.status_code == 413 and "limit is 64" in response.json()["detail"]


def test_batch_names_the_document_with_empty_text(client):
    response = client.post("/v1/stance/batch", json={"documents": [{"id": "x1", "text": " "}]})
    assert response.status_code == 422 and response.json()["detail"] == "document 'x1': text is empty"


def test_model_metadata_describes_the_checkpoint(client, tiny_checkpoint):
    body = client.get("/v1/model").json()
    assert body["labels"] == ["supportive", "concerned", "silent"] and body["version"]
    assert set(body["data"]) == {"train", "dev"} and body["base_model"]["sha256"] and "dev" in body["metrics"]


def test_metrics_count_requests_by_route_and_pairs_scored(client):
    client.post("/v1/stance", json={"text": "Japan agreed."})
    text = client.get("/metrics").text
    assert 'stance_requests_total{method="POST",route="/v1/stance",status="200"}' in text
    assert "stance_pairs_scored_total" in text and "stance_model_info{version=" in text
    assert "stance_request_seconds_bucket" in text and "stance_batch_pairs_bucket" in text


def test_an_unknown_route_is_a_json_404(client):
    response = client.get("/nope")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


def test_a_validation_error_does_not_echo_the_input(client):
    response = client.post("/v1/stance", json={"text": "secret" * 100, "extra": 1})
    assert response.status_code == 422 and "secret" not in response.text


def test_the_page_is_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "<title>Country stance</title>" in page.text
    assert client.get("/static/app.js").status_code == 200
    assert "North Korea" in client.get("/static/examples/china-reaction.txt").text


def test_readyz_is_503_before_the_model_is_loaded(tiny_checkpoint):
    app = create_app(Settings(checkpoint=str(tiny_checkpoint)))
    assert TestClient(app).get("/readyz").status_code == 503  # no `with`: start-up has not run


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("STANCE_PORT", "9123")
    monkeypatch.setenv("STANCE_MAX_TEXT_CHARS", "10")
    settings = Settings()
    assert (settings.port, settings.max_text_chars, settings.host) == (9123, 10, "127.0.0.1")


def test_a_named_development_is_what_the_model_reads_the_stances_toward(client):
    text = "Japan welcomed the accord."
    plain = client.post("/v1/stance", json={"text": text}).json()
    named = client.post("/v1/stance", json={"text": text, "development": "the fisheries accord"}).json()
    scores = lambda body: body["sentences"][0]["countries"][0]["scores"]
    assert scores(plain) != scores(named)


def test_a_development_longer_than_a_short_phrase_is_refused(client):
    response = client.post("/v1/stance", json={"text": "Japan agreed.", "development": "x" * 301})
    assert response.status_code == 422 and "development" in response.text


def test_batch_documents_take_their_own_development(client):
    docs = [{"id": "a", "text": "Japan agreed."}, {"id": "b", "text": "Japan agreed.", "development": "the pact"}]
    body = client.post("/v1/stance/batch", json={"documents": docs}).json()
    first, second = (d["sentences"][0]["countries"][0]["scores"] for d in body["documents"])
    assert first != second
