"""The corpus job on Ray Data: the same documents, the same scoring function
(`corpus_scoring.score_each`), the same rows, computed by a pool of actors that each load the model
once for the whole job, on a local Ray instance or an existing cluster.

The driver reads and checks the input (so bad records are reported with file and line exactly as
by the local engine) and commits the output (so resume works the same); the actors only score.
The job is one Ray Data dataset, `read_datasource(_FedWaves) -> map_batches(_Scorer)`, streamed
back in input order:

- a thread of the driver reads the input and hands it, a wave (`wave_size` documents) at a time,
  to a feeder actor that holds at most `WAVES_AHEAD` waves, so memory stays bounded and reading
  overlaps scoring;
- read task i takes wave i from the feeder (read tasks reserve no CPU, so they never starve the
  scoring actors); the tasks past the input's last wave find the feeder finished and yield nothing,
  so the number of read tasks only needs an upper bound (the records counted in the input);
- the actors score batches of `batch_size` documents and return one row per document (its id and
  its rows), so the driver commits whole documents, a wave at a time, as they come back.

A killed job loses at most the waves not yet committed; run again, it skips every committed
document.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import asdict
from functools import partial
from typing import Iterable, Iterator

from classifier.corpus_files import CorpusDocument
from classifier.corpus_scoring import chunks

# Waves the feeder holds before the read tasks take them: with the wave the driver is reading,
# enough that the actors never wait for input, few enough that memory stays a few waves.
WAVES_AHEAD = 2
_DOC = "_doc"


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

        from classifier.corpus_scoring import score_each

        documents = [_document(json.loads(value)) for value in batch.column(_DOC).to_pylist()]
        rows = score_each(self.classifier, documents, self.development, self.with_summary)
        # Rows travel as JSON strings, so a batch's schema never depends on which optional fields
        # (date, source, development) its documents happen to have.
        return pa.table(
            {"_id": [doc.id for doc in documents], "_rows": [json.dumps(r, ensure_ascii=False) for r in rows]},
            schema=_scored_schema(),
        )


class _Feeder:
    """An async actor between the driver's reading thread and the read tasks: wave i is put by
    the driver and taken by read task i; `put` waits while `ahead` waves are untaken."""

    def __init__(self, ahead: int) -> None:
        self.ahead, self.waves, self.finished = ahead, {}, False
        self.changed = asyncio.Condition()

    async def put(self, index: int, wave) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.waves) < self.ahead)
            self.waves[index] = wave
            self.changed.notify_all()

    async def finish(self) -> None:
        async with self.changed:
            self.finished = True
            self.changed.notify_all()

    async def take(self, index: int):
        async with self.changed:
            await self.changed.wait_for(lambda: index in self.waves or self.finished)
            wave = self.waves.pop(index, None)
            self.changed.notify_all()
            return wave


def _read_wave(feeder, index: int):
    import ray

    wave = ray.get(feeder.take.remote(index))
    return [wave] if wave is not None else []


def _fed_waves_datasource(feeder, waves: int):
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask

    class _FedWaves(Datasource):
        """`waves` read tasks, the i-th taking wave i from the feeder (none past the input's end)."""

        def get_read_tasks(self, parallelism, per_task_row_limit=None, data_context=None):
            metadata = BlockMetadata(num_rows=None, size_bytes=None, input_files=None, exec_stats=None)
            return [ReadTask(partial(_read_wave, feeder, i), metadata, schema=_doc_schema()) for i in range(waves)]

        def estimate_inmemory_data_size(self):
            return None

    return _FedWaves()


def _doc_schema():
    import pyarrow as pa

    return pa.schema([(_DOC, pa.string())])


def _scored_schema():
    import pyarrow as pa

    return pa.schema([("_id", pa.string()), ("_rows", pa.string())])


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
    """Scores a stream of documents on Ray Data with one actor pool for the whole job."""

    def __init__(
        self,
        checkpoint: str,
        development: str | None,
        with_summary: bool,
        workers: int,
        batch_size: int,
        wave_size: int,
        address: str | None = None,
        threads_per_worker: int = 1,
    ) -> None:
        import ray.data

        start(address, workers * threads_per_worker)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # rows come back in input order
        context.enable_progress_bars = False
        self.kwargs = dict(checkpoint=checkpoint, development=development, with_summary=with_summary, threads=threads_per_worker)
        self.workers, self.batch_size, self.wave_size, self.threads = workers, batch_size, wave_size, threads_per_worker

    def score(self, documents: Iterable[CorpusDocument], at_most: int) -> Iterator[tuple[list[str], list[dict]]]:
        """(document ids, their rows) for each wave of `documents`, in input order, as
        `score_in_chunks` gives them locally. `at_most` bounds how many documents come (it sizes
        the job's read tasks). An error raised while reading `documents` (a fatal bad record) is
        raised after the waves read before it are given back."""
        import ray
        import ray.data

        waves = -(-at_most // self.wave_size)
        if waves == 0:
            return
        feeder = ray.remote(num_cpus=0)(_Feeder).remote(WAVES_AHEAD)
        failure: list[BaseException] = []

        def feed() -> None:
            try:
                for index, wave in enumerate(chunks(documents, self.wave_size)):
                    if index >= waves:
                        raise RuntimeError(f"more than {at_most} documents came; the job was sized for {at_most}")
                    ray.get(feeder.put.remote(index, _wave_table(wave)))
            except BaseException as err:  # handed to the consumer, after what was read is scored
                failure.append(err)
            finally:
                try:
                    ray.get(feeder.finish.remote())
                except Exception:  # Ray is shutting down: the consumer has stopped already
                    pass

        reader = threading.Thread(target=feed, name="stance-ray-reader", daemon=True)
        reader.start()
        # concurrency: read tasks mostly wait on the feeder, so two at a time keep a wave ready.
        dataset = ray.data.read_datasource(_fed_waves_datasource(feeder, waves), num_cpus=0, concurrency=2)
        scored = dataset.map_batches(
            _Scorer,
            fn_constructor_kwargs=self.kwargs,
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            batch_size=self.batch_size,
            batch_format="pyarrow",
            num_cpus=self.threads,
        )
        ids, rows = [], []
        for batch in scored.iter_batches(batch_format="pyarrow", batch_size=None):
            for doc_id, doc_rows in zip(batch.column("_id").to_pylist(), batch.column("_rows").to_pylist()):
                ids.append(doc_id)
                rows.extend(json.loads(doc_rows))
                if len(ids) >= self.wave_size:
                    yield ids, rows
                    ids, rows = [], []
        if ids:
            yield ids, rows
        reader.join()
        if failure:
            raise failure[0]

    def close(self) -> None:
        import ray

        ray.shutdown()


def _wave_table(wave: list[CorpusDocument]):
    import pyarrow as pa

    return pa.table({_DOC: [json.dumps(_plain(doc), ensure_ascii=False) for doc in wave]}, schema=_doc_schema())


def _plain(doc: CorpusDocument) -> dict:
    record = asdict(doc)
    record["countries"] = list(doc.countries) if doc.countries else None
    return record


def _document(record: dict) -> CorpusDocument:
    countries = record.get("countries")
    return CorpusDocument(**{**record, "countries": tuple(countries) if countries else None})
