"""Scoring off the event loop: inference runs in worker threads, a bounded number at a time."""

from __future__ import annotations

import anyio
from starlette.concurrency import run_in_threadpool

from classifier.document import DocumentAnalysis
from classifier.model import StanceClassifier


class Scorer:
    def __init__(self, classifier: StanceClassifier, max_concurrency: int) -> None:
        self.classifier = classifier
        self._slots = anyio.Semaphore(max_concurrency)

    async def analyse(self, text: str, countries: list[str] | None) -> DocumentAnalysis:
        async with self._slots:
            return await run_in_threadpool(self.classifier.predict, text, countries)

    def warm_up(self) -> None:
        self.classifier.predict("Warm-up: France welcomed the agreement.")
