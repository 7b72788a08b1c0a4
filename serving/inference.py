"""Scoring off the event loop: inference runs in worker threads, a bounded number at a time."""

from __future__ import annotations

import copy
from typing import Sequence

import anyio
from starlette.concurrency import run_in_threadpool

from classifier.document import DocumentAnalysis, analyse_documents
from classifier.model import StanceClassifier
from serving.metrics import Metrics

WARM_UP_TEXT = "Warm-up: France welcomed the agreement."


class Scorer:
    def __init__(self, classifier: StanceClassifier, max_concurrency: int, metrics: Metrics | None = None) -> None:
        self.classifier = classifier
        self.metrics = metrics
        self._slots = anyio.Semaphore(max_concurrency)

    def with_classifier(self, classifier: StanceClassifier) -> Scorer:
        """A scorer for another model that shares this one's concurrency slots, so a model swap
        never lets more requests than the limit run at once."""
        scorer = copy.copy(self)
        scorer.classifier = classifier
        return scorer

    async def analyse(self, documents: Sequence[tuple[str, Sequence[str] | None]]) -> list[DocumentAnalysis]:
        """Analyse documents in one pass over the model, in a worker thread."""
        async with self._slots:
            analyses = await run_in_threadpool(analyse_documents, self.classifier, documents)
        if self.metrics:
            pairs = sum(len(s.countries) for a in analyses for s in a.sentences)
            self.metrics.observe_batch(documents=len(documents), pairs=pairs)
        return analyses

    def warm_up(self) -> None:
        analyse_documents(self.classifier, [(WARM_UP_TEXT, None)])
