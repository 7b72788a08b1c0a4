"""Micro-batching: the pairs of concurrent requests are scored together in one model pass.

On a CPU a forward pass over 200 pairs costs far less than 20 passes over 10, so one worker
collects what requests have queued, scores it in its model thread and hands each request its
own predictions. Before a pass it waits up to `wait_ms` for more requests to join, but only while
other requests are on their way (announced with `arriving()`, still being cut into pairs): a
lone request is scored at once. The event loop never runs the model, and only one pass runs at a
time, so the model's threads have the cores to themselves.

The queue is bounded in pairs: a request that would overfill it is refused at once with
`Overloaded` (the route answers 503 with Retry-After) instead of waiting without limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Sequence


from classifier.model import StanceClassifier
from classifier.pairs import PairPrediction, StancePair

logger = logging.getLogger("stance.serving")


class Overloaded(Exception):
    def __init__(self, queued_pairs: int, retry_after: int) -> None:
        super().__init__(f"{queued_pairs} pairs are queued for scoring")
        self.queued_pairs = queued_pairs
        self.retry_after = retry_after


@dataclass
class _Request:
    classifier: StanceClassifier
    pairs: Sequence[StancePair]
    future: asyncio.Future = field(repr=False)


class MicroBatcher:
    def __init__(self, max_batch_pairs: int, wait_ms: float, max_queued_pairs: int, metrics=None) -> None:
        self.max_batch_pairs = max_batch_pairs
        self.wait_s = wait_ms / 1000
        self.max_queued_pairs = max_queued_pairs
        self.metrics = metrics
        self._queue: list[_Request] = []
        self._queued_pairs = 0
        self._wakeup: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None
        self._pairs_per_second = 200.0  # replaced by the measured rate after the first pass
        self._arriving = 0  # requests between arriving() and score()
        self._arrived: asyncio.Event | None = None
        # One thread does all the model's work (loading, warm-up, every pass): the math libraries
        # keep per-thread buffers and thread teams, and work spread over several threads gives
        # each its own: memory grows, and two OpenMP teams slow a small pass from 13 to 22 ms.
        self._model_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stance-model")
        # Texts are cut into pairs in two threads of their own, not in the server's pool of 40:
        # each thread that allocates gets its own heap arena, and more arenas, more fragmentation.
        self._text_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stance-text")

    @contextlib.asynccontextmanager
    async def arriving(self):
        """Wrap the work a request does before `score`, so a pass about to start waits for it."""
        self._arriving += 1
        try:
            yield
        finally:
            self._arriving -= 1
            if self._arrived is not None:
                self._arrived.set()

    async def score(self, classifier: StanceClassifier, pairs: Sequence[StancePair]) -> list[PairPrediction]:
        """Predictions for `pairs`, scored together with whatever other requests have queued."""
        if not pairs:
            return []
        # An empty queue takes any request, so one large document is never refused outright.
        if self._queued_pairs and self._queued_pairs + len(pairs) > self.max_queued_pairs:
            raise Overloaded(self._queued_pairs, self._retry_after())
        self._ensure_worker()
        request = _Request(classifier, pairs, asyncio.get_running_loop().create_future())
        self._queue.append(request)
        self._queued_pairs += len(pairs)
        self._wakeup.set()
        return await request.future

    async def run_in_text_thread(self, fn, *args):
        """`fn(*args)` in one of the text threads, awaited (cutting documents into pairs)."""
        return await asyncio.get_running_loop().run_in_executor(self._text_threads, fn, *args)

    def run_in_model_thread(self, fn, *args):
        """Run `fn(*args)` in the model thread and wait for it (loading and warming up a model)."""
        return self._model_thread.submit(fn, *args).result()

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass
        for request in self._queue:
            if not request.future.done():
                request.future.set_exception(RuntimeError("the server is shutting down"))
        self._queue.clear()
        self._queued_pairs = 0
        self._model_thread.shutdown(wait=True)
        self._text_threads.shutdown(wait=True)

    def _ensure_worker(self) -> None:
        # Started on first use, in the loop that serves the requests.
        if self._worker is None or self._worker.done():
            self._wakeup, self._arrived = asyncio.Event(), asyncio.Event()
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="micro-batcher")

    def _retry_after(self) -> int:
        return max(1, math.ceil(self._queued_pairs / self._pairs_per_second))

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            await self._gather_arrivals()
            batch = self._take()
            if not self._queue:
                self._wakeup.clear()
            await self._score(batch)

    async def _gather_arrivals(self) -> None:
        """Wait (at most wait_ms in all) while requests are arriving and the pass has room."""
        deadline = time.monotonic() + self.wait_s
        while self._arriving and self._queued_pairs < self.max_batch_pairs:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                return

    def _take(self) -> list[_Request]:
        """Queued requests for one pass: in arrival order, up to max_batch_pairs (at least one
        request), all for the same model (a swap never mixes two models in one pass)."""
        first = self._queue[0]
        batch, size = [], 0
        while self._queue and self._queue[0].classifier is first.classifier:
            if batch and size + len(self._queue[0].pairs) > self.max_batch_pairs:
                break
            request = self._queue.pop(0)
            batch.append(request)
            size += len(request.pairs)
        self._queued_pairs -= size
        return batch

    async def _score(self, batch: list[_Request]) -> None:
        pairs = [pair for request in batch for pair in request.pairs]
        started = time.perf_counter()
        try:
            predictions = await asyncio.get_running_loop().run_in_executor(self._model_thread, batch[0].classifier.predict_pairs, pairs)
        except Exception as err:  # each waiting request gets the error; the worker goes on
            logger.exception("scoring %d pairs failed", len(pairs))
            for request in batch:
                if not request.future.done():
                    request.future.set_exception(err)
            return
        elapsed = max(time.perf_counter() - started, 1e-6)
        self._pairs_per_second = 0.8 * self._pairs_per_second + 0.2 * (len(pairs) / elapsed)
        if self.metrics:
            self.metrics.observe_batch(requests=len(batch), pairs=len(pairs))
        offset = 0
        for request in batch:
            if not request.future.done():  # a cancelled request (client gone) is skipped
                request.future.set_result(predictions[offset : offset + len(request.pairs)])
            offset += len(request.pairs)
