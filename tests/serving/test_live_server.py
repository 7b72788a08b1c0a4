"""The real server over HTTP: uvicorn in its own process, on 127.0.0.1."""

import httpx


def test_the_live_server_scores_a_document_over_http(live_server):
    response = httpx.post(f"{live_server}/v1/stance", json={"text": "Japan welcomed the accord. Beijing objected."}, timeout=30)
    assert response.status_code == 200
    assert set(response.json()["summary"]) == {"Japan", "China"}


def test_the_live_server_answers_concurrent_requests(live_server):
    import concurrent.futures

    def call(i):
        return httpx.post(f"{live_server}/v1/stance", json={"text": f"Peru agreed to plan {i}."}, timeout=30).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(call, range(16))) == [200] * 16


def test_the_live_server_listens_on_loopback_only(live_server):
    assert live_server.startswith("http://127.0.0.1:")
    assert httpx.get(f"{live_server}/healthz", timeout=5).json() == {"status": "ok"}
