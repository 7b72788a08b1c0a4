import json
import os
import signal
import sys
import threading
import time

import pytest
from fastapi.testclient import TestClient
from tests_support import ADMIN, CHINA, JAPAN, TOKEN, V1, V2, service_world, with_two_versions, write_jsonl, write_retrain_config

from stance_cli import main
from serving.app import create_app
from serving.deps import ADMIN_DISABLED, ADMIN_UNAUTHORISED
from training.jobs import Jobs, JobSpec

JOB_SECONDS = 120


@pytest.fixture
def world(tmp_path, tiny_checkpoint, tiny_config, tiny_data):
    """Fresh state and checkpoint directories, and settings for a service on them."""
    world = service_world(tmp_path, tiny_checkpoint, tiny_config, tiny_data, TOKEN)
    world.tiny_version = json.loads((tiny_checkpoint / "stance.json").read_text())["version"]
    return world


@pytest.fixture
def client(world):
    with TestClient(create_app(world.settings)) as client:
        yield client


@pytest.fixture
def two_versions(world):
    """V1 promoted and served, V2 a candidate."""
    return with_two_versions(world)


@pytest.fixture
def v1_client(two_versions):
    with TestClient(create_app(two_versions.settings)) as client:
        yield client


def served_version(settings) -> str:
    """What a service started now on these directories serves (a restart)."""
    with TestClient(create_app(settings)) as fresh:
        return stance(fresh)["model"]["version"]


def stance(client) -> dict:
    response = client.post("/v1/stance", json={"text": "Japan welcomed the accord."})
    assert response.status_code == 200
    return response.json()


def wait_for(client, job_id, done, seconds=JOB_SECONDS) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"/v1/retrain/{job_id}").json()
        if done(status):
            return status
        time.sleep(0.2)
    pytest.fail(f"job {job_id} did not get there within {seconds}s: {status}")


# -- admin authentication -------------------------------------------------------------------------
ADMIN_ROUTES = [("/v1/labels", {"examples": [JAPAN]}), ("/v1/retrain", None), ("/v1/model/rollback", None)]


@pytest.mark.parametrize(("path", "body"), ADMIN_ROUTES)
def test_admin_routes_are_403_until_a_token_is_configured(world, path, body):
    settings = world.settings.model_copy(update={"admin_token": None})
    with TestClient(create_app(settings)) as client:
        response = client.post(path, json=body, headers=ADMIN)
    assert response.status_code == 403 and response.json() == {"detail": ADMIN_DISABLED}


@pytest.mark.parametrize(("path", "body"), ADMIN_ROUTES)
def test_admin_routes_without_a_token_are_401_asking_for_bearer(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 401 and response.json() == {"detail": ADMIN_UNAUTHORISED}
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("authorization", [f"Bearer {TOKEN}x", "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_a_wrong_token_is_a_401(client, world, authorization):
    response = client.post("/v1/labels", json={"examples": [JAPAN]}, headers={"Authorization": authorization})
    assert response.status_code == 401 and world.labels.count() == 0


def test_the_right_token_is_accepted(client):
    assert client.post("/v1/labels", json={"examples": [JAPAN]}, headers=ADMIN).status_code == 200


def test_reading_routes_need_no_token(client):
    assert [client.get(path).status_code for path in ("/v1/labels/stats", "/v1/models")] == [200, 200]


# -- labels ---------------------------------------------------------------------------------------
def test_posted_labels_are_stored_and_their_ids_returned(client, world):
    body = client.post("/v1/labels", json={"examples": [JAPAN, CHINA]}, headers=ADMIN).json()
    assert body == {"accepted": [{"index": 0, "id": 1}, {"index": 1, "id": 2}], "rejected": []}
    assert world.labels.examples() == [JAPAN, CHINA]


def test_invalid_examples_are_rejected_with_index_and_reason_and_not_stored(client, world):
    bad = [{"text": "Peru agreed.", "labels": {"Peru": "meh"}}, {"labels": {"Peru": "silent"}}]
    body = client.post("/v1/labels", json={"examples": [JAPAN, *bad]}, headers=ADMIN).json()
    assert body["rejected"] == [
        {"index": 1, "reason": "unknown label 'meh' for 'Peru', expected one of ['supportive', 'concerned', 'silent']"},
        {"index": 2, "reason": "missing field 'text'"},
    ]
    assert world.labels.examples() == [JAPAN]


def test_posted_labels_keep_their_topic_and_development(client, world):
    example = {**JAPAN, "topic": "russia-dprk-pact", "development": "the Russia-North Korea defence treaty"}
    assert client.post("/v1/labels", json={"examples": [example]}, headers=ADMIN).json()["rejected"] == []
    assert world.labels.examples() == [example]


def test_a_posted_example_with_an_unknown_field_is_rejected(client, world):
    body = client.post("/v1/labels", json={"examples": [{**JAPAN, "stance_of": "Japan"}]}, headers=ADMIN).json()
    assert body["accepted"] == [] and "stance_of" in body["rejected"][0]["reason"]


def test_a_duplicate_is_reported_with_the_id_of_the_example_it_repeats(client, world):
    client.post("/v1/labels", json={"examples": [JAPAN]}, headers=ADMIN)
    body = client.post("/v1/labels", json={"examples": [{**JAPAN, "text": "JAPAN welcomed  the accord."}]}, headers=ADMIN).json()
    assert body == {"accepted": [], "rejected": [{"index": 0, "reason": "duplicate of example 1", "duplicate_of": 1}]}
    assert world.labels.count() == 1


def test_more_examples_than_the_limit_is_a_413(world):
    with TestClient(create_app(world.settings.model_copy(update={"max_label_examples": 1}))) as client:
        response = client.post("/v1/labels", json={"examples": [JAPAN, CHINA]}, headers=ADMIN)
    assert response.status_code == 413 and response.json() == {"detail": "2 examples, the limit is 1"}


def test_labels_cannot_be_checked_without_a_readable_retraining_config(world, tmp_path):
    settings = world.settings.model_copy(update={"retrain_config": str(tmp_path / "missing.yaml")})
    with TestClient(create_app(settings)) as client:
        response = client.post("/v1/labels", json={"examples": [JAPAN]}, headers=ADMIN)
    assert response.status_code == 503 and "STANCE_RETRAIN_CONFIG" in response.json()["detail"]
    assert str(tmp_path) not in response.text


def test_label_stats_count_by_label_country_and_source(client):
    client.post("/v1/labels", json={"examples": [JAPAN, {**CHINA, "source": "desk"}]}, headers=ADMIN)
    assert client.get("/v1/labels/stats").json() == {
        "examples": 2, "pairs": 2, "by_label": {"supportive": 1, "concerned": 1},
        "by_country": {"Japan": 1, "China": 1}, "by_source": {"api": 1, "desk": 1},
    }


# -- retraining jobs ------------------------------------------------------------------------------
def test_a_second_retrain_while_one_runs_is_a_409(client, monkeypatch, tmp_path):
    release = tmp_path / "release"
    # A stand-in job process that runs until the test lets it go.
    monkeypatch.setattr("serving.retrain_runner.job_command", lambda job: [
        sys.executable, "-c", f"import os, time\nwhile not os.path.exists({str(release)!r}): time.sleep(0.05)"])
    first = client.post("/v1/retrain", headers=ADMIN)
    second = client.post("/v1/retrain", json={"force": True}, headers=ADMIN)
    release.touch()
    assert first.status_code == 202 and second.status_code == 409
    assert second.json()["detail"] == f"a retraining job is already running ({first.json()['job']}); wait for it to finish"


def test_a_retrain_while_a_job_runs_in_another_process_is_a_409(client, world):
    jobs = Jobs(world.settings.state_dir)
    other = jobs.create(JobSpec(config="x", state_dir="x", checkpoints_dir="x", fallback_checkpoint="x"))
    with jobs.running(other):
        response = client.post("/v1/retrain", headers=ADMIN)
    assert response.status_code == 409 and other.id in response.json()["detail"]


def test_an_unknown_job_is_a_404(client):
    response = client.get(f"/v1/retrain/{V1}")
    assert response.status_code == 404 and response.json() == {"detail": f"there is no retraining job {V1}"}


@pytest.mark.parametrize("job_id", ["%2E%2E", "latest", f"{V1}.json"])
def test_a_job_id_that_is_not_a_version_name_is_a_422(client, job_id):
    response = client.get(f"/v1/retrain/{job_id}")
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "string_pattern_mismatch"


def test_the_whole_loop_labels_retrain_promote_predict_roll_back(client, world, tmp_path, monkeypatch):
    assert client.post("/v1/labels", json={"examples": [JAPAN]}, headers=ADMIN).json()["accepted"] == [{"index": 0, "id": 1}]
    monkeypatch.setenv("STANCE_STATE_DIR", world.settings.state_dir)
    monkeypatch.setenv("STANCE_RETRAIN_CONFIG", str(world.config))
    assert main(["labels", "add", str(write_jsonl(tmp_path / "more.jsonl", [CHINA, JAPAN]))]) == 0
    assert client.get("/v1/labels/stats").json()["examples"] == 2

    started = client.post("/v1/retrain", json={"force": False}, headers=ADMIN)
    assert started.status_code == 202 and started.json()["state"] == "queued"
    job = started.json()["job"]
    status = wait_for(client, job, lambda s: s["state"] in ("succeeded", "rejected", "failed"))
    assert status["state"] == "succeeded", status["log_tail"]
    assert {"epoch", "step", "steps", "dev_macro_f1"} <= set(status["progress"]) and status["log_tail"]
    new = status["version"]
    assert status["decision"]["promoted"] is True and status["decision"]["served_version"] == world.tiny_version

    job_dir = Jobs(world.settings.state_dir).get(job).dir
    assert len((job_dir / "labels.jsonl").read_text().splitlines()) == 2
    assert (job_dir / "comparison.json").is_file() and (world.registry.version_dir(new) / "comparison.json").is_file()
    assert stance(client)["model"]["version"] == new
    models = client.get("/v1/models").json()
    assert models["current"] == new and models["served"] == new and models["versions"][0]["status"] == "current"
    assert served_version(world.settings) == new

    rolled = client.post("/v1/model/rollback", headers=ADMIN).json()
    assert rolled == {"rolled_back_from": new, "current": None, "served": world.tiny_version}
    assert stance(client)["model"]["version"] == world.tiny_version
    assert client.get("/v1/models").json()["versions"][0]["status"] == "promoted"
    assert served_version(world.settings) == world.tiny_version
    assert world.labels.count() == 2


def test_a_job_killed_mid_training_leaves_model_pointer_and_labels_intact_and_shows_failed(two_versions, tiny_config, tiny_data, tmp_path):
    world = two_versions
    long_config = write_retrain_config(tmp_path / "long.yaml", tiny_config, tiny_data["dev"], epochs=500)
    settings = world.settings.model_copy(update={"retrain_config": str(long_config)})
    pointer = (world.registry.directory / "CURRENT").read_text()
    with TestClient(create_app(settings)) as client:
        client.post("/v1/labels", json={"examples": [JAPAN, CHINA]}, headers=ADMIN)
        job = client.post("/v1/retrain", headers=ADMIN).json()["job"]
        running = wait_for(client, job, lambda s: s["state"] == "running" and s["progress"].get("step"))
        os.kill(running["pid"], signal.SIGKILL)
        failed = wait_for(client, job, lambda s: s["state"] != "running")
        assert failed["state"] == "failed" and failed["error"] in (
            "the job process stopped before finishing (killed by signal 9)",  # the service saw its child die
            "the job process stopped before finishing (killed or crashed)",  # the status route saw it first
        )
        assert stance(client)["model"]["version"] == V1
    assert (world.registry.directory / "CURRENT").read_text() == pointer and world.registry.versions() == [V1, V2]
    assert world.labels.examples() == [JAPAN, CHINA] and served_version(settings) == V1


# -- serving the current version ------------------------------------------------------------------
def test_a_restarted_service_serves_the_version_current_names(two_versions):
    world = two_versions
    assert served_version(world.settings) == V1
    world.registry.promote(V2)
    assert served_version(world.settings) == V2
    world.registry.rollback()
    assert served_version(world.settings) == V1


def test_a_promotion_by_another_process_is_served_from_a_following_request(two_versions, v1_client):
    assert stance(v1_client)["model"]["version"] == V1
    two_versions.registry.promote(V2)
    deadline = time.monotonic() + 30
    # The first request after the move notices it and starts the reload; it is served meanwhile.
    while stance(v1_client)["model"]["version"] != V2:
        assert time.monotonic() < deadline, "the service did not follow the pointer"
        time.sleep(0.05)


def test_rollback_with_nothing_promoted_is_a_409(client):
    response = client.post("/v1/model/rollback", headers=ADMIN)
    assert response.status_code == 409 and response.json() == {"detail": "nothing to roll back: no version has been promoted"}


def test_predictions_during_a_swap_all_succeed(two_versions, v1_client):
    client = v1_client
    results, stop = [], threading.Event()

    def keep_asking():
        while not stop.is_set():
            response = client.post("/v1/stance", json={"text": "Japan welcomed the accord."})
            results.append((response.status_code, response.json().get("model", {}).get("version")))

    threads = [threading.Thread(target=keep_asking) for _ in range(4)]
    for thread in threads:
        thread.start()
    while len(results) < 8:
        time.sleep(0.01)
    two_versions.registry.promote(V2)
    client.app.state.served_model.sync()
    swapped_at = len(results)
    while len(results) < swapped_at + 8:
        time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join()
    assert {code for code, _ in results} == {200}
    assert {version for _, version in results} == {V1, V2} and stance(client)["model"]["version"] == V2
