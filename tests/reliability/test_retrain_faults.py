"""A retraining job SIGKILLed at each stage where dying could hurt: the served model, CURRENT
and every stored label survive, no partial checkpoint is ever listed or served, and the job
shows as failed with the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reliability.fault_job import STAGES
from tests_support import CHINA, JAPAN, V1, V2, make_world, snapshot
from tests_support import add_version

from classifier.checkpoint_files import file_problems
from serving.app import create_app
from serving.retrain_runner import job_spec
from training.data import LabelSpace

JOB_SECONDS = 180
FAULT_JOB = Path(__file__).with_name("fault_job.py")
KILLED = "the job process stopped before finishing (killed or crashed)"


@pytest.fixture(scope="module")
def killed_jobs(tiny_checkpoint, tiny_config, tiny_data, tmp_path_factory):
    """One world per stage (V1 served, V2 a candidate, two labels stored) and a job process
    killed at that stage in each (all forked from one process, see fault_job.py)."""
    runs, arguments = {}, []
    for stage in STAGES:
        world = make_world(tmp_path_factory.mktemp("killed-job"), tiny_checkpoint, tiny_config, tiny_data)
        for version in (V1, V2):
            add_version(world.registry.directory, world.checkpoint, version)
        world.registry.promote(V1)
        world.labels.add([JAPAN, CHINA], LabelSpace(tuple(tiny_config.labels)), source="api")
        job = world.jobs.create(job_spec(world.settings, force=False))
        runs[stage] = (world, job, snapshot(world))
        arguments += [stage, str(job.dir)]
    done = subprocess.run([sys.executable, str(FAULT_JOB), *arguments], capture_output=True, text=True, timeout=JOB_SECONDS)
    assert done.returncode == 0, done.stderr[-2000:]
    exit_codes = json.loads(done.stdout.splitlines()[-1])
    return {stage: (world, job, before, exit_codes[str(job.dir)]) for stage, (world, job, before) in runs.items()}


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_job_killed_at_any_stage_leaves_model_pointer_and_labels_and_shows_failed(killed_jobs, stage, reliability_record):
    world, job, before, exit_code = killed_jobs[stage]
    with TestClient(create_app(world.settings)) as client:  # a service started after the kill
        status = client.get(f"/v1/retrain/{job.id}").json()
        listed = [v["version"] for v in client.get("/v1/models").json()["versions"]]
        served = client.post("/v1/stance", json={"text": "Japan welcomed the accord."}).json()["model"]["version"]
    after = snapshot(world)
    damaged = [v for v in listed if file_problems(world.registry.version_dir(v))]
    reliability_record.add(
        "faults", fault=f"retraining job SIGKILLed {stage}", job_state=status["state"], job_error=status.get("error"),
        served_before=V1, served_after=served, current_after=(after["current"] or "").strip(),
        labels_before=len(before["labels"]), labels_after=len(after["labels"]), listed_versions=len(listed), damaged_listed=len(damaged),
        survived="served model, CURRENT, every stored label; no partial checkpoint listed",
    )
    assert exit_code == -9
    assert status["state"] == "failed" and status["error"] == KILLED
    assert served == V1 and after["current"] == before["current"] == f"{V1}\n"
    assert after["labels"] == before["labels"] == [JAPAN, CHINA]
    # Only complete checkpoints are listed: what the killed job left is either whole or hidden.
    assert listed == list(reversed(world.registry.versions())) and set(listed) >= {V1, V2} and damaged == []
