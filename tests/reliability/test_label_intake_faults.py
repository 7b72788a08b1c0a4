"""Label intake under faults: the server killed mid-intake, a full disk, a read-only store.
What a 2xx said was stored is stored; what a refusal said was not stored, is not."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sqlite3

import httpx
import pytest
from fastapi.testclient import TestClient
from tests_support import ADMIN, CHINA, JAPAN, is_json_error, leaks
from tests_support import live_server_process

from serving.app import create_app
from training.label_store import LabelStore
from load import run_clients

KILL_AFTER_ACKNOWLEDGED = 150
MAX_POSTS = 600
INTAKE_CONCURRENCY = 16
COUNTRIES = ["Japan", "China", "Peru", "Chile", "France", "Kenya", "Canada", "Brazil"]
LABELS = ["supportive", "concerned", "silent"]


def unique_example(i: int) -> dict:
    country = COUNTRIES[i % len(COUNTRIES)]
    return {"text": f"{country} reacted to proposal number {i} on the accord.", "labels": {country: LABELS[i % 3]}}


async def post_until_killed(url: str, pid: int) -> tuple[list[dict], int, int]:
    """Concurrent POST /v1/labels, one or two new examples each; SIGKILL the server once
    KILL_AFTER_ACKNOWLEDGED have been answered 2xx, while others are in flight. Returns the
    acknowledged examples, the number of requests sent and the number cut off by the kill."""
    acknowledged: list[dict] = []
    sent = cut_off = 0
    numbers = itertools.count()
    killed = asyncio.Event()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal sent, cut_off
        while not killed.is_set() and (i := next(numbers)) < MAX_POSTS:
            examples = [unique_example(2 * i), unique_example(2 * i + 1)][: 1 + i % 2]
            sent += 1
            try:
                response = await client.post("/v1/labels", json={"examples": examples}, headers=ADMIN)
            except httpx.TransportError:
                cut_off += 1
                return
            assert response.status_code == 200, response.text
            assert len(response.json()["accepted"]) == len(examples)
            acknowledged.extend(examples)
            if len(acknowledged) >= KILL_AFTER_ACKNOWLEDGED and not killed.is_set():
                os.kill(pid, signal.SIGKILL)
                killed.set()

    await run_clients(url, INTAKE_CONCURRENCY, worker, timeout=120, client_timeout=30)
    return acknowledged, sent, cut_off


def server_env(world) -> dict[str, str]:
    s = world.settings
    return {"STANCE_CHECKPOINT": s.checkpoint, "STANCE_CHECKPOINTS_DIR": s.checkpoints_dir, "STANCE_STATE_DIR": s.state_dir,
            "STANCE_RETRAIN_CONFIG": s.retrain_config, "STANCE_ADMIN_TOKEN": ADMIN["Authorization"].split()[1]}


def test_every_label_acknowledged_before_a_sigkill_is_stored_after_restart(world, reliability_record):
    with live_server_process(server_env(world)) as (url, process):
        acknowledged, sent, cut_off = asyncio.run(post_until_killed(url, process.pid))
        assert process.wait(timeout=10) == -signal.SIGKILL
    with live_server_process(server_env(world)) as (url, _):
        stored_count = httpx.get(f"{url}/v1/labels/stats", timeout=10).json()["examples"]
    stored = world.labels.examples()
    with sqlite3.connect(world.labels.path) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    lost = [e for e in acknowledged if e not in stored]
    reliability_record.add(
        "faults", fault="server SIGKILLed during label intake", load=f"{sent} POST /v1/labels, {INTAKE_CONCURRENCY} at a time",
        acknowledged=len(acknowledged), cut_off_by_the_kill=cut_off, stored_after_restart=stored_count, lost=len(lost),
        survived="every acknowledged label; SQLite integrity_check ok",
    )
    assert len(acknowledged) >= KILL_AFTER_ACKNOWLEDGED and lost == [] and integrity == "ok"
    assert stored_count == len(stored) >= len(acknowledged)


CORRECTIONS_BEFORE_KILL = 80
CORRECTION_WORKERS = 8


def correction(worker: int, n: int, version: int) -> dict:
    country = COUNTRIES[worker % len(COUNTRIES)]
    return {"text": f"{country} answered question {n} of desk {worker} on the accord.",
            "labels": {country: LABELS[(n + version) % 3]}, "model_version": f"v{version}"}


async def correct_until_killed(url: str, pid: int) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Each worker corrects its own sentences, each twice in turn (created, then updated to
    another label); SIGKILL the server once CORRECTIONS_BEFORE_KILL answers have come back.
    Returns, per sentence, the corrections sent and those acknowledged."""
    workers = itertools.count()
    sent: dict[str, list[dict]] = {}
    acknowledged: dict[str, list[dict]] = {}
    answered = 0
    killed = asyncio.Event()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal answered
        me = next(workers)
        for n in itertools.count():
            for version in (0, 1):
                if killed.is_set():
                    return
                body = correction(me, n, version)
                sent.setdefault(body["text"], []).append(body)
                try:
                    response = await client.post("/v1/corrections", json=body, headers=ADMIN)
                except httpx.TransportError:
                    return
                assert response.status_code == 200, response.text
                acknowledged.setdefault(body["text"], []).append(body)
                answered += 1
                if answered >= CORRECTIONS_BEFORE_KILL and not killed.is_set():
                    os.kill(pid, signal.SIGKILL)
                    killed.set()

    await run_clients(url, CORRECTION_WORKERS, worker, timeout=120, client_timeout=30)
    return sent, acknowledged


def test_no_acknowledged_correction_is_lost_to_a_sigkill(world, reliability_record):
    with live_server_process(server_env(world)) as (url, process):
        sent, acknowledged = asyncio.run(correct_until_killed(url, process.pid))
        assert process.wait(timeout=10) == -signal.SIGKILL
    stored = {e["text"]: e["labels"] for e in world.labels.examples()}
    # A sentence's stored labels are its last acknowledged correction's, or the one that was in
    # flight at the kill (committed, but its answer never sent): never an older one, never lost.
    lost = [text for text, bodies in acknowledged.items()
            if stored.get(text) not in [b["labels"] for b in sent[text][len(bodies) - 1:]]]
    duplicated = len(world.labels.examples()) - len(stored)
    reliability_record.add(
        "faults", fault="server SIGKILLed during page corrections", load=f"{CORRECTION_WORKERS} clients correcting their own sentences twice each",
        acknowledged=sum(map(len, acknowledged.values())), sentences=len(acknowledged), lost=len(lost), duplicated=duplicated,
        survived="every acknowledged correction, one example per sentence",
    )
    assert sum(map(len, acknowledged.values())) >= CORRECTIONS_BEFORE_KILL and lost == [] and duplicated == 0


# -- a full disk and a read-only store --------------------------------------------------------------
def connect_with(pragma: str):
    """LabelStore._connect with a pragma applied to every connection it opens."""
    real = LabelStore._connect

    def connect(self):
        db = real(self)
        db.execute(pragma)
        return db

    return connect


@pytest.fixture
def client_with_one_label(world):
    with TestClient(create_app(world.settings), raise_server_exceptions=False) as client:
        assert client.post("/v1/labels", json={"examples": [JAPAN]}, headers=ADMIN).status_code == 200
        yield client


@pytest.fixture
def full_disk(world, client_with_one_label, monkeypatch):
    """The store's file may not grow by one page: SQLite's own SQLITE_FULL, exactly what a full
    file system gives it (a real tmpfs would need mount rights that CI does not have)."""
    with sqlite3.connect(world.labels.path) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setattr(LabelStore, "_connect", connect_with(f"PRAGMA max_page_count={pages}"))


@pytest.fixture
def read_only_store(world, client_with_one_label, monkeypatch):
    """A state directory that cannot be written. chmod does that for an ordinary user, but not
    for root (CI runs as root), where the store is opened with query_only instead: SQLite then
    refuses writes with SQLITE_READONLY, as it does for a read-only file or file system."""
    if os.geteuid() != 0:
        state = world.labels.path.parent
        for path in (state, *state.iterdir()):
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield
        for path in (state, *state.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
    else:
        monkeypatch.setattr(LabelStore, "_connect", connect_with("PRAGMA query_only=1"))
        yield


# Each long text needs pages of its own: the write cannot fit in the file as it is.
BIG_BATCH = {"examples": [CHINA, *({"text": f"{country} agreed to the accord. " * 120, "labels": {country: "supportive"}}
                                  for country in ("Peru", "Chile", "Kenya"))]}


def test_a_full_disk_is_a_507_with_a_json_detail_and_stores_nothing(world, client_with_one_label, full_disk, reliability_record):
    response = client_with_one_label.post("/v1/labels", json=BIG_BATCH, headers=ADMIN)
    reliability_record.add("faults", fault="disk full on label intake (SQLITE_FULL)", answer=response.status_code,
                           stored_before=1, stored_after=world.labels.count(), survived="the store, unchanged; no partial record")
    assert response.status_code == 507 and response.json() == {"detail": "the label store's disk is full; nothing was stored"}
    assert leaks(response, world.root) == []
    assert world.labels.examples() == [JAPAN]


def test_a_read_only_store_is_a_503_with_a_json_detail_and_stores_nothing(world, client_with_one_label, read_only_store, reliability_record):
    response = client_with_one_label.post("/v1/labels", json=BIG_BATCH, headers=ADMIN)
    method = "chmod" if os.geteuid() != 0 else "query_only (root ignores chmod)"
    reliability_record.add("faults", fault=f"read-only state directory on label intake ({method})", answer=response.status_code,
                           stored_before=1, stored_after=world.labels.count(), survived="the store, unchanged; no partial record")
    assert response.status_code == 503 and is_json_error(response)
    assert response.json()["detail"] == "the label store is read-only or cannot be written; nothing was stored"
    assert leaks(response, world.root) == []
    assert world.labels.examples() == [JAPAN]


def test_a_full_disk_during_labels_add_on_the_command_line_exits_non_zero_naming_the_cause(world, full_disk, tmp_path, monkeypatch, capsys):
    from stance_cli import main
    from tests_support import write_jsonl

    monkeypatch.setenv("STANCE_STATE_DIR", world.settings.state_dir)
    monkeypatch.setenv("STANCE_RETRAIN_CONFIG", world.settings.retrain_config)
    assert main(["labels", "add", str(write_jsonl(tmp_path / "more.jsonl", BIG_BATCH["examples"]))]) == 1
    assert "the label store's disk is full" in capsys.readouterr().err and world.labels.examples() == [JAPAN]
