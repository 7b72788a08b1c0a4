"""The corpus job on Ray Data: the same documents, the same scoring function
(`corpus_scoring.score_documents`), the same rows, computed by a pool of actors that each load the
model once, on a local Ray instance or an existing cluster.

The driver reads and checks the input (so bad records are reported with file and line exactly as
by the local engine) and commits the output (so resume works the same); the actors only score.
Documents go to Ray in waves of `wave_size`: a wave is one Ray Data dataset, scored with
`map_batches` over an actor pool, in order, and committed when it comes back, so a killed job
loses at most the wave in flight, and memory holds one wave. Each wave starts its actors anew (a
model load per actor per wave: a few seconds against minutes of scoring with the default wave).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Sequence

from classifier.corpus_files import CorpusDocument

ROW_BATCH_FORMAT = "pyarrow"


class _Scorer:
    """One per actor: the checkpoint loaded once, then every batch of documents scored."""

    def __init__(self, checkpoint: str, development: str | None, with_summary: bool, threads: int) -> None:
        import torch

        from classifier.model import StanceClassifier

        torch.set_num_threads(threads)
        self.classifier = StanceClassifier.from_pretrained(checkpoint)
        self.development, self.with_summary = development, with_summary

    def __call__(self, batch):
        import pyarrow as pa

        from classifier.corpus_scoring import score_documents

        documents = []
        for record in batch.to_pylist():
            countries = record.get("countries")
            documents.append(CorpusDocument(**{**record, "countries": tuple(countries) if countries else None}))
        rows = score_documents(self.classifier, documents, self.development, self.with_summary)
        # Rows travel as JSON strings, so a batch's schema never depends on which optional fields
        # (date, source, development) its documents happen to have; order is kept by preserve_order.
        return pa.Table.from_pylist([{"_row": _json(row)} for row in rows], schema=pa.schema([("_row", pa.string())]))


def _json(row: dict) -> str:
    import json

    return json.dumps(row, ensure_ascii=False)


def start(address: str | None, workers: int) -> None:
    """Connect to the cluster at `address`, or start a local instance with `workers` CPUs that
    listens on 127.0.0.1 only."""
    import ray

    if ray.is_initialized():
        return
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(num_cpus=workers, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False)


class RayEngine:
    """Scores groups of documents ("waves") on Ray Data, each wave with its own actor pool."""

    def __init__(
        self,
        checkpoint: str,
        development: str | None,
        with_summary: bool,
        workers: int,
        batch_size: int,
        address: str | None = None,
        threads_per_worker: int = 1,
    ) -> None:
        import ray.data

        start(address, workers * threads_per_worker)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # rows come back in input order
        context.enable_progress_bars = False
        self.kwargs = dict(checkpoint=checkpoint, development=development, with_summary=with_summary, threads=threads_per_worker)
        self.workers, self.batch_size, self.threads = workers, batch_size, threads_per_worker

    def score(self, documents: Sequence[CorpusDocument]) -> list[dict]:
        """The rows of `documents`, in their order, as `score_documents` gives them."""
        import json

        import ray.data

        blocks = max(1, -(-len(documents) // self.batch_size))
        dataset = ray.data.from_items([_plain(doc) for doc in documents], override_num_blocks=blocks)
        scored = dataset.map_batches(
            _Scorer,
            fn_constructor_kwargs=self.kwargs,
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            batch_size=self.batch_size,
            batch_format=ROW_BATCH_FORMAT,
            num_cpus=self.threads,
        )
        return [
            json.loads(value)
            for batch in scored.iter_batches(batch_format="pyarrow", batch_size=None)
            for value in batch.column("_row").to_pylist()
        ]

    def close(self) -> None:
        import ray

        ray.shutdown()


def _plain(doc: CorpusDocument) -> dict:
    record = asdict(doc)
    record["countries"] = list(doc.countries) if doc.countries else None
    return record
