"""What the speed bench and the reliability tests share to load a server and read its process:
concurrent async clients, latency percentiles and memory from /proc (no psutil needed)."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Awaitable, Callable, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank q-th percentile (q from 0 to 100) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def proc_status_kib(pid: int, field: str) -> int:
    """A memory field of /proc/PID/status, in KiB: VmRSS (resident now), VmHWM (peak resident)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def rss_kib(pid: int) -> int:
    return proc_status_kib(pid, "VmRSS")


def peak_rss_mb(pid: int) -> float:
    return proc_status_kib(pid, "VmHWM") / 1024


async def run_clients(url: str, concurrency: int, worker: Callable[..., Awaitable[None]], timeout: float | None = None,
                      client_timeout: float = 60) -> None:
    """`concurrency` copies of `worker(client)` sharing one connection pool of that size, until
    all return (or `timeout` seconds pass: asyncio.TimeoutError)."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=client_timeout) as client:
        await asyncio.wait_for(asyncio.gather(*(worker(client) for _ in range(concurrency))), timeout=timeout)
