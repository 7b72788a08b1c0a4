"""The analyst's loop over HTTP: corrections, the review queue, label export and history."""

import json
import time

import pytest
from fastapi.testclient import TestClient
from tests_support import ADMIN, service_world, TOKEN

from serving.app import create_app
from training.review_queue import ReviewQueue

SENTENCE = "Japan welcomed the accord, while China warned it would inflame tensions."
CORRECTION = {"text": SENTENCE, "labels": {"Japan": "supportive", "China": "concerned"}, "development": "the accord", "model_version": "v-test"}
DOCUMENTS = [
    {"id": "d1", "text": "Japan welcomed the accord. China warned against the accord. France abstained in the vote."},
    {"id": "d2", "text": "Germany voiced alarm as Poland signed the deal. Brazil stayed neutral on the plan.", "development": "the deal"},
]


@pytest.fixture
def world(tmp_path, tiny_checkpoint, tiny_config, tiny_data):
    return service_world(tmp_path, tiny_checkpoint, tiny_config, tiny_data, TOKEN)


@pytest.fixture
def client(world):
    with TestClient(create_app(world.settings)) as client:
        yield client


def queued(client, documents=DOCUMENTS) -> dict:
    response = client.post("/v1/review/documents", json={"documents": documents}, headers=ADMIN)
    assert response.status_code == 202, response.text
    return response.json()


def next_items(client, n=10, seconds=120) -> dict:
    """GET /v1/review/next once the background scoring has emptied the pending documents. A
    deadline, not a fixed wait: on a loaded 2-core machine the scoring can take tens of seconds,
    and a test must fail saying so rather than go on with half-scored documents."""
    deadline = time.monotonic() + seconds
    while True:
        body = client.get(f"/v1/review/next?n={n}", headers=ADMIN).json()
        if body["pending_documents"] == 0:
            return body
        assert time.monotonic() < deadline, f"{body['pending_documents']} documents still pending after {seconds} s"
        time.sleep(0.05)


# -- corrections ---------------------------------------------------------------------------------
def test_a_correction_is_stored_with_the_page_as_source_and_the_development(client, world):
    response = client.post("/v1/corrections", json=CORRECTION, headers=ADMIN)
    assert response.status_code == 200 and response.json()["status"] == "created"
    [stored] = world.labels.examples()
    assert stored == {"text": SENTENCE, "labels": CORRECTION["labels"], "development": "the accord", "source": "page"}


def test_a_correction_shows_in_the_label_stats_under_the_page(client):
    client.post("/v1/corrections", json=CORRECTION, headers=ADMIN)
    assert client.get("/v1/labels/stats").json()["by_source"] == {"page": 1}


def test_a_correction_needs_the_admin_token(client, world):
    assert client.post("/v1/corrections", json=CORRECTION).status_code == 401
    assert client.post("/v1/corrections", json=CORRECTION, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert world.labels.count() == 0


def test_sending_the_same_correction_twice_stores_one_example(client, world):
    first = client.post("/v1/corrections", json=CORRECTION, headers=ADMIN).json()
    again = client.post("/v1/corrections", json=CORRECTION, headers=ADMIN).json()
    assert (again["id"], again["status"]) == (first["id"], "unchanged") and world.labels.count() == 1


def test_correcting_a_stored_sentence_updates_it_and_keeps_its_history(client, world):
    first = client.post("/v1/corrections", json=CORRECTION, headers=ADMIN).json()
    changed = dict(CORRECTION, labels={"Japan": "supportive", "China": "silent"}, model_version="v-next")
    second = client.post("/v1/corrections", json=changed, headers=ADMIN).json()
    assert (second["id"], second["status"]) == (first["id"], "updated") and world.labels.count() == 1
    history = client.get(f"/v1/labels/{first['id']}/history", headers=ADMIN).json()["history"]
    assert [h["example"]["labels"]["China"] for h in history] == ["concerned"] and history[0]["model_version"] == "v-test"


@pytest.mark.parametrize("labels, named", [
    ({"Japan": "supportive", "Atlantis": "concerned"}, "'Atlantis'"),
    ({"Japan": "thrilled", "China": "concerned"}, "'thrilled'"),
])
def test_an_unknown_country_or_label_is_422_naming_it_and_stores_nothing(client, world, labels, named):
    response = client.post("/v1/corrections", json=dict(CORRECTION, labels=labels), headers=ADMIN)
    assert response.status_code == 422 and named in response.json()["detail"]
    assert world.labels.count() == 0


def test_a_correction_with_an_unknown_field_is_422(client):
    assert client.post("/v1/corrections", json=dict(CORRECTION, mood="grumpy"), headers=ADMIN).status_code == 422


# -- export -------------------------------------------------------------------------------------
def test_the_labels_download_as_json_lines_in_the_guide_format(client):
    client.post("/v1/corrections", json=CORRECTION, headers=ADMIN)
    response = client.get("/v1/labels/export", headers=ADMIN)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in response.text.splitlines()] == [
        {"text": SENTENCE, "labels": CORRECTION["labels"], "development": "the accord", "source": "page"}
    ]


def test_the_labels_download_needs_the_admin_token(client):
    assert client.get("/v1/labels/export").status_code == 401


# -- the review queue ---------------------------------------------------------------------------
def test_submitted_documents_are_scored_in_the_background_and_offered_as_items(client):
    submitted = queued(client)
    assert submitted["accepted"] == ["d1", "d2"] and submitted["duplicates"] == []
    items = next_items(client)["items"]
    assert {item["document"] for item in items} == {"d1", "d2"}
    assert all(set(item["scores"]) == {"supportive", "concerned", "silent"} and item["text"] for item in items)


def test_items_come_least_sure_first_one_per_sentence(client):
    queued(client)
    items = next_items(client)["items"]
    sentences = [(item["document"], item["sentence"]) for item in items]
    assert len(sentences) == len(set(sentences))
    # Near-ties (TIE_WIDTH) may be spread over documents; beyond that the order is by margin.
    margins = [item["margin"] for item in items]
    assert all(b - a > -0.01 for a, b in zip(margins, margins[1:]))


def test_n_bounds_the_number_of_items(client):
    queued(client)
    next_items(client)
    assert len(client.get("/v1/review/next?n=2", headers=ADMIN).json()["items"]) == 2
    assert client.get("/v1/review/next?n=0", headers=ADMIN).status_code == 422


def test_a_document_submitted_twice_is_queued_once(client):
    queued(client)
    again = queued(client, DOCUMENTS[:1])
    assert again["accepted"] == [] and again["duplicates"] == ["d1"]


def test_a_labelled_sentence_never_comes_back(client):
    queued(client)
    [first, *_] = next_items(client)["items"]
    correction = {"text": first["text"], "labels": first["sentence_labels"], "model_version": first["model_version"]}
    assert client.post("/v1/corrections", json=correction, headers=ADMIN).status_code == 200
    texts = [item["text"] for item in next_items(client, n=100)["items"]]
    assert first["text"] not in texts


def test_a_skipped_item_never_comes_back(client):
    queued(client)
    [first, *_] = next_items(client)["items"]
    assert client.post("/v1/review/skip", json={"items": [first["id"]]}, headers=ADMIN).json() == {"skipped": 1}
    assert first["id"] not in [item["id"] for item in next_items(client, n=100)["items"]]


def test_skipping_items_that_do_not_exist_is_404(client):
    assert client.post("/v1/review/skip", json={"items": [999]}, headers=ADMIN).status_code == 404


def test_the_queue_routes_need_the_admin_token(client):
    assert client.post("/v1/review/documents", json={"documents": DOCUMENTS}).status_code == 401
    assert client.get("/v1/review/next").status_code == 401
    assert client.post("/v1/review/skip", json={"items": [1]}).status_code == 401


def test_a_document_naming_an_unknown_country_is_422_naming_it_and_not_queued(client, world):
    response = client.post("/v1/review/documents", json={"documents": [dict(DOCUMENTS[0], countries=["Atlantis"])]}, headers=ADMIN)
    assert response.status_code == 422 and "Atlantis" in response.json()["detail"]
    assert ReviewQueue.in_state_dir(world.settings.state_dir).counts()["documents"] == 0


def test_an_empty_document_is_422(client):
    response = client.post("/v1/review/documents", json={"documents": [{"id": "e", "text": "  "}]}, headers=ADMIN)
    assert response.status_code == 422


def test_the_queue_survives_a_restart(world):
    with TestClient(create_app(world.settings)) as client:
        queued(client)
        before = next_items(client)["items"]
    with TestClient(create_app(world.settings)) as restarted:
        assert restarted.get("/v1/review/next", headers=ADMIN).json()["items"] == before


def test_documents_queued_before_a_restart_are_scored_after_it(world):
    ReviewQueue.in_state_dir(world.settings.state_dir).submit(DOCUMENTS)  # as a killed service left them
    with TestClient(create_app(world.settings)) as client:
        body = next_items(client)
    assert body["pending_documents"] == 0 and {item["document"] for item in body["items"]} == {"d1", "d2"}
