"""Security: admin routes refuse without the right token and change nothing; the token is
compared in constant time; names in requests never reach outside the service's directories;
loopback and no CORS by default; error bodies tell no internals."""

from __future__ import annotations

import hmac
import json

import pytest
from fastapi.testclient import TestClient
from tests_support import ADMIN, JAPAN, TOKEN, V1, is_json_error, leaks, snapshot

from serving.app import create_app
from serving.settings import Settings
from training.jobs import Jobs
from training.registry import Registry, RegistryError, check_version

ADMIN_ROUTES = [
    ("/v1/labels", {"examples": [JAPAN]}), ("/v1/corrections", JAPAN),
    ("/v1/review/documents", {"documents": [{"id": "d", "text": JAPAN["text"]}]}), ("/v1/review/skip", {"items": [1]}),
    ("/v1/retrain", {"force": True}), ("/v1/model/rollback", None),
]
# Reading what analysts submitted is an admin action too.
ADMIN_READS = ["/v1/review/next", "/v1/labels/export", "/v1/labels/1/history"]
WRONG = {"none": {}, "wrong token": {"Authorization": "Bearer not-the-token"}, "token prefix": {"Authorization": f"Bearer {TOKEN[:-1]}"},
         "not bearer": {"Authorization": f"Basic {TOKEN}"}, "bare token": {"Authorization": TOKEN}}
TRAVERSALS = ["../../etc", "..%2F..%2Fetc", "%2e%2e", "%2e%2e%2f%2e%2e%2foutside", "/etc/passwd", "%2Fetc%2Fpasswd", "x%00", "..\\..\\etc", f"{V1}/..", "~root"]


@pytest.fixture
def client(v1_world):
    with TestClient(create_app(v1_world.settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("path", "body"), ADMIN_ROUTES)
@pytest.mark.parametrize("auth", list(WRONG))
def test_admin_routes_without_the_right_token_are_401_and_change_nothing(v1_world, client, path, body, auth, reliability_record):
    before = snapshot(v1_world)
    response = client.post(path, json=body, headers=WRONG[auth])
    reliability_record.add("security", check=f"POST {path} with {auth}", answer=response.status_code, changed=snapshot(v1_world) != before)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert snapshot(v1_world) == before


@pytest.mark.parametrize(("path", "body"), ADMIN_ROUTES)
def test_admin_routes_are_403_and_change_nothing_while_no_token_is_configured(v1_world, path, body):
    before = snapshot(v1_world)
    with TestClient(create_app(v1_world.settings.model_copy(update={"admin_token": None}))) as client:
        assert client.post(path, json=body, headers=ADMIN).status_code == 403
    assert snapshot(v1_world) == before


@pytest.mark.parametrize("path", ADMIN_READS)
@pytest.mark.parametrize("auth", list(WRONG))
def test_admin_reads_without_the_right_token_are_401(client, path, auth, reliability_record):
    response = client.get(path, headers=WRONG[auth])
    reliability_record.add("security", check=f"GET {path} with {auth}", answer=response.status_code, changed=False)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_the_token_is_compared_with_hmac_compare_digest(client, monkeypatch):
    calls, real = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("serving.deps.hmac.compare_digest", spy)
    client.post("/v1/labels", json={"examples": [JAPAN]}, headers={"Authorization": "Bearer guess"})
    assert calls == [(b"guess", TOKEN.encode())]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_a_job_id_that_is_a_path_never_reads_outside_the_state_directory(v1_world, client, name):
    # A job record planted outside, where a traversal would find it.
    decoy = v1_world.root / "outside"
    decoy.mkdir(exist_ok=True)
    (decoy / "job.json").write_text(json.dumps({"id": "decoy", "state": "succeeded", "created_at": "x"}))
    response = client.get(f"/v1/retrain/{name}")
    # 404, 405 or 422 by where the name lands once the client and router have normalised it.
    assert 400 <= response.status_code < 500 and is_json_error(response)
    assert "decoy" not in response.text and leaks(response, v1_world.root) == []


@pytest.mark.parametrize("name", [n.replace("%2F", "/").replace("%2f", "/").replace("%2e", ".").replace("%00", "\x00") for n in TRAVERSALS])
def test_version_and_job_names_are_checked_against_a_strict_pattern(v1_world, name):
    for reach in (check_version, Registry(v1_world.registry.directory).version_dir, Jobs(v1_world.settings.state_dir).get):
        with pytest.raises(RegistryError):
            reach(name)


def test_a_pointer_naming_a_path_is_refused_instead_of_served(v1_world):
    (v1_world.registry.directory / "CURRENT").write_text("../../etc\n")
    with pytest.raises(RegistryError, match="is not a version name"):
        with TestClient(create_app(v1_world.settings)):
            pass


def test_a_rollback_body_naming_a_target_is_ignored_rollback_only_goes_back_in_history(v1_world, client):
    response = client.post("/v1/model/rollback", json={"version": "../../etc", "target": "/etc/passwd"}, headers=ADMIN)
    assert response.status_code == 200 and response.json()["rolled_back_from"] == V1 and response.json()["current"] is None


@pytest.mark.parametrize("path", ["/static/..%2F..%2Fserving%2Fsettings.py", "/static/%2e%2e/%2e%2e/pyproject.toml", "/static//etc/passwd"])
def test_static_files_never_serve_outside_the_static_directory(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "BaseSettings" not in response.text and "[project]" not in response.text


def test_the_server_binds_loopback_by_default():
    assert Settings.model_fields["host"].default == "127.0.0.1"


def test_cors_is_off_by_default(client):
    response = client.get("/v1/models", headers={"Origin": "https://evil.example"})
    preflight = client.options("/v1/labels", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in response.headers and "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_configured_origins(v1_world, monkeypatch):
    monkeypatch.setenv("STANCE_CORS_ORIGINS", '["https://app.example"]')
    settings = Settings(**v1_world.settings.model_dump(exclude={"cors_origins"}))
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/healthz", headers={"Origin": "https://app.example"})
        other = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "access-control-allow-origin" not in other.headers


def test_an_internal_error_answers_a_bare_500_without_traceback_or_paths(v1_world, client, monkeypatch):
    def broken(self):
        raise RuntimeError(f"cannot read {v1_world.root}/checkpoints/secret: Traceback (most recent call last)")

    monkeypatch.setattr(Registry, "describe", broken)
    response = client.get("/v1/models")
    assert response.status_code == 500 and response.json() == {"detail": "internal error"}


def test_refusals_tell_no_paths_or_tracebacks(v1_world, client):
    answers = [
        client.post("/v1/stance", content=b"{", headers={"content-type": "application/json"}),
        client.post("/v1/stance", json={"text": "x" * 200_000}),
        client.post("/v1/stance", json={"text": "Japan.", "countries": ["Narnia"]}),
        client.post("/v1/labels", json={"examples": [{"text": "Peru.", "labels": {"Peru": "meh"}}]}, headers=ADMIN),
        client.get(f"/v1/retrain/{V1}"),
        client.post("/v1/model/rollback", headers=ADMIN),
        client.post("/v1/model/rollback", headers=ADMIN),  # nothing left to roll back: 409
    ]
    assert all(400 <= r.status_code < 500 or r.status_code == 200 for r in answers)
    assert [leaks(r, v1_world.root, v1_world.checkpoint) for r in answers] == [[]] * len(answers)
