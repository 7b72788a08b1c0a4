"""Which model the service scores with: the version the registry's CURRENT names (or the
configured checkpoint when there is none), followed when the pointer moves.

A swap loads and warms the new model first and then replaces `app.state.scorer` in one
assignment: a request that already holds the old scorer finishes on it, the next one gets the
new one, and none waits or fails. The pointer is followed
- at once, where the change is made or awaited in this process (rollback route, the thread that
  waits for a retraining job the service started, the job status route once a job has ended);
- on the next request, where another process moved it (`stance retrain` or `stance rollback`
  run by hand): each scoring request compares the pointer's signature (one stat) with the one
  the served model was loaded for, and a change starts a reload in the background.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from classifier.model import StanceClassifier
from serving.batching import MicroBatcher
from serving.inference import Scorer
from serving.metrics import Metrics
from training.registry import Registry

logger = logging.getLogger("stance.serving")


class ServedModel:
    def __init__(self, state, registry: Registry, fallback: str | Path, metrics: Metrics) -> None:
        self._state = state  # app.state: requests read the scorer from there
        self._registry = registry
        self._fallback = fallback
        self._metrics = metrics
        self._lock = threading.Lock()
        self._signature: tuple[int, int] | None = None
        self._failed_signature: tuple[int, int] | None = None

    @property
    def version(self) -> str:
        return self._state.scorer.classifier.version

    def start(self, batcher: MicroBatcher, classifier: StanceClassifier | None = None) -> None:
        """Load (or take) the model to serve at start-up and install the first scorer."""
        with self._lock:
            signature = self._registry.pointer_signature()
            directory = self._registry.serving_dir(self._fallback)
            scorer = Scorer(classifier or batcher.run_in_model_thread(StanceClassifier.from_pretrained, directory), batcher)
            scorer.warm_up()
            self._install(scorer, signature, directory)

    def sync(self) -> bool:
        """Serve the version the pointer names now, if it is not the one served; True on a swap."""
        with self._lock:
            signature = self._registry.pointer_signature()
            if signature == self._signature:
                return False
            try:
                directory = self._registry.serving_dir(self._fallback)
                # In the model thread, like every pass: scoring waits the second this takes.
                batcher = self._state.scorer.batcher
                scorer = self._state.scorer.with_classifier(batcher.run_in_model_thread(StanceClassifier.from_pretrained, directory))
                scorer.warm_up()
            except Exception:
                # Remembered so that every request does not retry a broken checkpoint; the
                # next move of the pointer is tried again.
                self._failed_signature = signature
                raise
            self._install(scorer, signature, directory)
            return True

    def follow_pointer(self) -> None:
        """The per-request check: when another process moved the pointer, reload in the
        background and keep serving the current model meanwhile."""
        signature = self._registry.pointer_signature()
        if signature in (self._signature, self._failed_signature) or self._lock.locked():
            return
        threading.Thread(target=self.sync_logging_errors, name="model-reload", daemon=True).start()

    def sync_logging_errors(self) -> None:
        """`sync` for threads, where an exception would only be lost: the old model stays."""
        try:
            self.sync()
        except Exception:
            logger.exception("could not load the version the registry points to; still serving %s", self.version)

    def _install(self, scorer: Scorer, signature: tuple[int, int] | None, directory: Path) -> None:
        self._state.scorer = scorer  # the swap: one reference assignment
        self._signature = signature
        self._metrics.set_model(scorer.classifier.version)
        logger.info("serving model %s from %s", scorer.classifier.version, directory)
