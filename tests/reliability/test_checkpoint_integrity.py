"""A checkpoint with a missing, truncated or altered file is refused, naming the file, at
start-up, at promotion and at rollback; a running service keeps serving the last good model."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from tests_support import ADMIN, V1, V2, corrupt, leaks, wait_until

from classifier.checkpoint_files import CheckpointError
from serving.app import create_app
from classifier.durable_files import write_atomically
from training.registry import RegistryError

DAMAGE = ["missing", "truncated", "altered"]


def served_version(client) -> str:
    return client.post("/v1/stance", json={"text": "Japan welcomed the accord."}).json()["model"]["version"]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_current_checkpoint_is_refused_at_start_up_naming_the_file(v1_world, how, reliability_record):
    name = corrupt(v1_world.registry.version_dir(V1), how)
    with pytest.raises(CheckpointError, match=name.replace(".", r"\.")) as refused:
        with TestClient(create_app(v1_world.settings)):
            pass
    reliability_record.add("faults", fault=f"checkpoint file {how} ({name}), at start-up", outcome="start-up refused",
                           message_names_file=name in str(refused.value), survived="nothing served from a damaged checkpoint")


@pytest.mark.parametrize("how", DAMAGE)
def test_promoting_a_damaged_checkpoint_is_refused_naming_the_file_and_v1_stays_served(v1_world, how, reliability_record):
    name = corrupt(v1_world.registry.version_dir(V2), how)
    with TestClient(create_app(v1_world.settings)) as client:
        with pytest.raises(RegistryError, match=f"cannot promote {V2}: {name}") as refused:
            v1_world.registry.promote(V2)
        still = served_version(client)
    reliability_record.add("faults", fault=f"checkpoint file {how} ({name}), at promotion", outcome="promotion refused",
                           message_names_file=name in str(refused.value), served_after=still, survived="CURRENT and the served model")
    assert v1_world.registry.current() == V1 and still == V1


@pytest.mark.parametrize("how", DAMAGE)
def test_rolling_back_to_a_damaged_checkpoint_is_a_409_naming_the_file_and_serving_goes_on(v1_world, how, reliability_record):
    v1_world.registry.promote(V2)
    name = corrupt(v1_world.registry.version_dir(V1), how)
    with TestClient(create_app(v1_world.settings)) as client:
        response = client.post("/v1/model/rollback", headers=ADMIN)
        still = served_version(client)
    reliability_record.add("faults", fault=f"checkpoint file {how} ({name}), at rollback", outcome=f"rollback refused ({response.status_code})",
                           message_names_file=name in response.json()["detail"], served_after=still, survived="CURRENT and the served model")
    assert response.status_code == 409 and response.json()["detail"].startswith(f"cannot roll back to {V1}: {name}")
    assert leaks(response, v1_world.root) == []
    assert v1_world.registry.current() == V2 and still == V2


@pytest.mark.parametrize("how", DAMAGE)
def test_a_pointer_moved_to_a_checkpoint_damaged_afterwards_is_not_followed_and_the_log_names_the_file(v1_world, how, caplog):
    with TestClient(create_app(v1_world.settings)) as client:
        assert served_version(client) == V1
        name = corrupt(v1_world.registry.version_dir(V2), how)
        # As if V2 was promoted intact by another process and then damaged on disk.
        write_atomically(v1_world.registry.directory / "CURRENT", f"{V2}\n")
        with caplog.at_level(logging.ERROR, logger="stance.serving"):
            served = client.app.state.served_model
            wait_until("the reload is tried", lambda: served_version(client) and served._failed_signature is not None, 30)
        assert served_version(client) == V1
    assert any(name in record.getMessage() or name in (record.exc_text or "") for record in caplog.records)
