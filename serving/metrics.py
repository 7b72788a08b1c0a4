"""Prometheus metrics, in a registry of the app's own (several apps can live in one process)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30)


class Metrics:
    def __init__(self) -> None:
        # The *_created series (one timestamp per label set) double the output and say nothing here.
        disable_created_metrics()
        self.registry = CollectorRegistry()
        self.requests = Counter("stance_requests_total", "HTTP requests", ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("stance_request_seconds", "HTTP request latency", ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.pairs = Counter("stance_pairs_scored_total", "(sentence, country) pairs scored", registry=self.registry)
        self.batch_requests = Histogram("stance_batch_requests", "requests scored together in one model pass",
                                        buckets=(1, 2, 4, 8, 16, 32, 64, 128), registry=self.registry)
        self.batch_pairs = Histogram("stance_batch_pairs", "pairs per model pass",
                                     buckets=(1, 4, 16, 64, 256, 1024, 4096), registry=self.registry)
        self.model = Gauge("stance_model_info", "the served model (value 1)", ["version"], registry=self.registry)

    def observe_batch(self, requests: int, pairs: int) -> None:
        self.pairs.inc(pairs)
        self.batch_requests.observe(requests)
        self.batch_pairs.observe(pairs)

    def set_model(self, version: str) -> None:
        self.model.clear()
        self.model.labels(version=version).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class RequestMetrics:
    """Pure ASGI middleware: count and time every request by route template (not raw path,
    which would give a series per URL)."""

    def __init__(self, app, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def recording_send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route=route, method=scope["method"], status=str(status)).inc()
            self.metrics.latency.labels(route=route).observe(time.perf_counter() - started)
