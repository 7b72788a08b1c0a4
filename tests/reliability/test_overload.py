"""Overload: beyond the configured queue, requests are refused at once with 503 and
Retry-After, and the server answers normally as soon as the load stops."""

import asyncio
import time

import httpx
import pytest
from tests_support import live_server_process
from load import run_clients

BURST = 32
TEXT = "Japan welcomed the accord, while Beijing warned against it."


@pytest.fixture(scope="module")
def small_queue_server(tiny_checkpoint):
    # A queue of 4 pairs and a long wait before each pass: a burst of 32 requests overfills it.
    env = {"STANCE_CHECKPOINT": str(tiny_checkpoint), "STANCE_MAX_QUEUED_PAIRS": "4", "STANCE_BATCH_WAIT_MS": "1000"}
    with live_server_process(env) as (url, _):
        yield url


async def burst(url: str) -> list[tuple[httpx.Response, float]]:
    """BURST requests at once, each from its own connection: (answer, seconds) of each."""
    answers = []

    async def one(client):
        started = time.perf_counter()
        response = await client.post("/v1/stance", json={"text": TEXT})
        answers.append((response, time.perf_counter() - started))

    await run_clients(url, BURST, one, client_timeout=30)
    return answers


@pytest.fixture(scope="module")
def burst_answers(small_queue_server):
    return asyncio.run(burst(small_queue_server))


def test_requests_beyond_the_queue_get_503_with_retry_after(burst_answers, reliability_record):
    refused = [(r, s) for r, s in burst_answers if r.status_code == 503]
    assert refused, "the burst should overfill a 4-pair queue"
    assert all(int(r.headers["Retry-After"]) >= 1 and "busy" in r.json()["detail"] for r, _ in refused)
    reliability_record.add(
        "overload", burst=BURST, queue_pairs=4, refused=len(refused),
        served=sum(r.status_code == 200 for r, _ in burst_answers),
        slowest_refusal_ms=round(1000 * max(s for _, s in refused), 1),
    )


def test_refusals_come_at_once_not_after_waiting(burst_answers):
    # Each pass waits 1 s for more requests: a refusal that came later would have queued first.
    assert max(seconds for r, seconds in burst_answers if r.status_code == 503) < 1.0


def test_no_request_of_a_burst_fails_otherwise(burst_answers):
    assert {r.status_code for r, _ in burst_answers} <= {200, 503}


def test_the_server_answers_normally_once_the_burst_is_over(burst_answers, small_queue_server):
    assert httpx.post(f"{small_queue_server}/v1/stance", json={"text": TEXT}, timeout=30).status_code == 200
