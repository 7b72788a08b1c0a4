"""The micro-batcher: concurrent requests share model passes, each gets its own answers, and a
full queue refuses at once."""

import asyncio
import threading

import pytest

from classifier.pairs import StancePair
from serving.batching import MicroBatcher, Overloaded


def pairs_of(*texts):
    return [StancePair(text=text, target="Japan", spans=((0, 5),)) for text in texts]


class CountingClassifier:
    """Wraps a classifier and records the size of every pass."""

    def __init__(self, classifier, gate: threading.Event | None = None):
        self.inner = classifier
        self.passes: list[int] = []
        self.gate = gate

    def predict_pairs(self, pairs):
        if self.gate:
            self.gate.wait(5)
        self.passes.append(len(pairs))
        return self.inner.predict_pairs(pairs)


def run(coroutine):
    return asyncio.run(coroutine)


def score_concurrently(batcher, *requests):
    """Each (classifier, pairs) request sent at once; their answers, in order, once the batcher stops."""

    async def scenario():
        answers = await asyncio.gather(*(batcher.score(classifier, pairs) for classifier, pairs in requests))
        await batcher.stop()
        return answers

    return run(scenario())


def test_each_request_gets_the_predictions_of_its_own_pairs(tiny_classifier):
    batcher = MicroBatcher(max_batch_pairs=64, wait_ms=5, max_queued_pairs=100)
    requests = [pairs_of("Japan agreed."), pairs_of("Japan objected.", "Japan hailed it."), pairs_of("Japan was silent.")]
    answers = score_concurrently(batcher, *((tiny_classifier, p) for p in requests))
    assert answers == [tiny_classifier.predict_pairs(p) for p in requests]


def test_concurrent_requests_share_one_model_pass(tiny_classifier):
    counting = CountingClassifier(tiny_classifier)
    batcher = MicroBatcher(max_batch_pairs=64, wait_ms=20, max_queued_pairs=100)
    score_concurrently(batcher, *((counting, pairs_of(f"Japan said {i}.")) for i in range(8)))
    assert counting.passes == [8]


def test_a_pass_holds_at_most_max_batch_pairs(tiny_classifier):
    counting = CountingClassifier(tiny_classifier)
    batcher = MicroBatcher(max_batch_pairs=3, wait_ms=20, max_queued_pairs=100)
    score_concurrently(batcher, *((counting, pairs_of(f"Japan said {i}.")) for i in range(7)))
    assert counting.passes == [3, 3, 1]


def test_one_pass_never_mixes_two_models(tiny_classifier):
    old, new = CountingClassifier(tiny_classifier), CountingClassifier(tiny_classifier)
    batcher = MicroBatcher(max_batch_pairs=64, wait_ms=20, max_queued_pairs=100)
    score_concurrently(
        batcher, (old, pairs_of("Japan agreed.")), (new, pairs_of("Japan objected.")), (new, pairs_of("Japan hailed it."))
    )
    assert (old.passes, new.passes) == ([1], [2])


def test_a_full_queue_refuses_at_once_with_a_retry_delay(tiny_classifier):
    gate = threading.Event()
    blocked = CountingClassifier(tiny_classifier, gate)
    batcher = MicroBatcher(max_batch_pairs=2, wait_ms=0, max_queued_pairs=3)

    async def scenario():
        first = asyncio.ensure_future(batcher.score(blocked, pairs_of("Japan agreed.")))
        await asyncio.sleep(0.05)  # the worker now holds the first pass
        waiting = asyncio.ensure_future(batcher.score(blocked, pairs_of("Japan a.", "Japan b.", "Japan c.")))
        await asyncio.sleep(0)
        with pytest.raises(Overloaded) as refused:
            await batcher.score(blocked, pairs_of("Japan d."))
        gate.set()
        await asyncio.gather(first, waiting)
        await batcher.stop()
        return refused.value

    refused = run(scenario())
    assert refused.queued_pairs == 3 and refused.retry_after >= 1


def test_an_empty_queue_takes_a_request_larger_than_the_bound(tiny_classifier):
    batcher = MicroBatcher(max_batch_pairs=2, wait_ms=0, max_queued_pairs=2)

    async def scenario():
        answer = await batcher.score(tiny_classifier, pairs_of("Japan a.", "Japan b.", "Japan c."))
        await batcher.stop()
        return answer

    assert len(run(scenario())) == 3


def test_a_failed_pass_fails_its_requests_and_the_next_pass_runs(tiny_classifier):
    class Failing:
        def predict_pairs(self, pairs):
            raise RuntimeError("model broke")

    batcher = MicroBatcher(max_batch_pairs=64, wait_ms=0, max_queued_pairs=100)

    async def scenario():
        with pytest.raises(RuntimeError, match="model broke"):
            await batcher.score(Failing(), pairs_of("Japan agreed."))
        answer = await batcher.score(tiny_classifier, pairs_of("Japan agreed."))
        await batcher.stop()
        return answer

    assert len(run(scenario())) == 1


def test_a_pass_waits_for_a_request_that_is_still_arriving(tiny_classifier):
    counting = CountingClassifier(tiny_classifier)
    batcher = MicroBatcher(max_batch_pairs=64, wait_ms=2000, max_queued_pairs=100)

    async def late():
        async with batcher.arriving():
            await asyncio.sleep(0.05)  # cutting its text into pairs
        return await batcher.score(counting, pairs_of("Japan objected."))

    async def scenario():
        await asyncio.gather(batcher.score(counting, pairs_of("Japan agreed.")), late())
        await batcher.stop()

    run(scenario())
    assert counting.passes == [2]


def test_a_lone_request_does_not_wait(tiny_classifier):
    batcher = MicroBatcher(max_batch_pairs=64, wait_ms=1000, max_queued_pairs=100)

    async def scenario():
        started = asyncio.get_running_loop().time()
        await batcher.score(tiny_classifier, pairs_of("Japan agreed."))
        await batcher.stop()
        return asyncio.get_running_loop().time() - started

    assert run(scenario()) < 0.9
