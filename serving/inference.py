"""Scoring off the event loop: documents are cut into pairs in a text thread, and the pairs of
concurrent requests are scored together by the micro-batcher (see serving.batching)."""

from __future__ import annotations

import copy
from typing import Sequence

from classifier.document import DocumentAnalysis, DocumentInput, analyse_documents, plan_documents
from classifier.model import StanceClassifier
from serving.batching import MicroBatcher

WARM_UP_TEXT = "Warm-up: France welcomed the agreement."


class Scorer:
    def __init__(self, classifier: StanceClassifier, batcher: MicroBatcher) -> None:
        self.classifier = classifier
        self.batcher = batcher

    def with_classifier(self, classifier: StanceClassifier) -> Scorer:
        """A scorer for another model that shares this one's batcher (and so its queue bound)."""
        scorer = copy.copy(self)
        scorer.classifier = classifier
        return scorer

    async def analyse(self, documents: Sequence[DocumentInput]) -> list[DocumentAnalysis]:
        # Splitting a 100,000-character text takes long enough to matter to other requests.
        async with self.batcher.arriving():
            plan = await self.batcher.run_in_text_thread(plan_documents, documents)
        predictions = await self.batcher.score(self.classifier, plan.pairs)
        return plan.assemble(predictions, self.classifier.labels)

    def warm_up(self) -> None:
        self.batcher.run_in_model_thread(analyse_documents, self.classifier, [(WARM_UP_TEXT, None)])
