"""Scores the review queue's pending documents in the background, with the served model.

One asyncio task per service: it wakes on a submission (and once at start-up, so documents
queued before a restart are scored), takes the oldest pending documents a batch at a time and
scores them through the same Scorer as the API (the micro-batcher's model thread: the event
loop never waits on the model, and a burst of queue documents shares passes with live
requests). The SQLite calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from starlette.concurrency import run_in_threadpool

from classifier.errors import StanceError
from serving.batching import Overloaded
from serving.inference import Scorer
from training.review_queue import ReviewQueue

logger = logging.getLogger("stance.serving")
DOCUMENTS_PER_PASS = 16


class ReviewScoring:
    def __init__(self, queue: ReviewQueue, scorer: Callable[[], Scorer | None]) -> None:
        self.queue = queue
        self._scorer = scorer
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="review-scoring")
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                while await self._score_some():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                # A broken store or model must not kill the task: the next wake tries again.
                logger.exception("review queue scoring failed; pending documents stay pending")

    async def _score_some(self) -> bool:
        """Score one batch of pending documents; False when there were none."""
        scorer = self._scorer()
        if scorer is None:
            return False
        documents = await run_in_threadpool(self.queue.pending, DOCUMENTS_PER_PASS)
        if not documents:
            return False
        version = scorer.classifier.version
        for doc in documents:
            try:
                [analysis] = await scorer.analyse([(doc.text, doc.countries, doc.development)])
            except Overloaded as busy:
                # Live requests first: the queue waits as long as a client is told to.
                await asyncio.sleep(busy.retry_after)
                return True
            except StanceError as err:
                # Only this document: the route checked it, but the catalogue may have changed.
                await run_in_threadpool(self.queue.record_failure, doc.id, str(err))
                continue
            sentences = [s for s in analysis.to_dict()["sentences"] if s["countries"]]
            await run_in_threadpool(self.queue.record_scores, doc.id, sentences, version)
        return True
