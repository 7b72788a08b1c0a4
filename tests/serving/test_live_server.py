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


def listening_addresses(port: int) -> set[str]:
    """The local IPv4 and IPv6 addresses a socket listens on at `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for row in fh.readlines()[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_the_live_server_listens_on_loopback_only(live_server):
    assert httpx.get(f"{live_server}/healthz", timeout=5).json() == {"status": "ok"}
    port = int(live_server.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, little-endian hex; no 0.0.0.0, no IPv6
