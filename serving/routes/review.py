"""The review queue: submit documents, get the pairs the served model is least sure of, skip."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from classifier.document import resolve_countries
from serving.deps import ADMIN_RESPONSES, AdminOnly, LabelStoreDep, ReviewQueueDep, ReviewScoringDep, ServedModelDep, SettingsDep
from serving.routes.labels import UNWRITABLE_RESPONSES
from serving.routes.stance import check_batch
from serving.schemas import ReviewDocumentsRequest, ReviewNext, ReviewSubmitted, SkipRequest, SkipResponse

router = APIRouter(prefix="/v1/review", tags=["review"], dependencies=[AdminOnly],
                   responses={**ADMIN_RESPONSES, **UNWRITABLE_RESPONSES})
MAX_ITEMS = 100


@router.post("/documents", status_code=202, response_model=ReviewSubmitted)
async def submit_documents(body: ReviewDocumentsRequest, queue: ReviewQueueDep, scoring: ReviewScoringDep, settings: SettingsDep):
    """Queue documents (the body of /v1/stance/batch, checked the same way) to be scored in the
    background; answered once they are stored, so a restart does not lose them."""
    check_batch(body.documents, settings)
    for doc in body.documents:
        if doc.countries is not None:
            resolve_countries(doc.countries)  # UnknownCountryError: 422, naming them
    submission = await run_in_threadpool(queue.submit, [doc.model_dump() for doc in body.documents])
    scoring.wake()
    counts = await run_in_threadpool(queue.counts)
    return {"accepted": submission.accepted, "duplicates": submission.duplicates, "pending": counts["pending"]}


@router.get("/next", response_model=ReviewNext)
async def next_items(queue: ReviewQueueDep, store: LabelStoreDep, scoring: ReviewScoringDep, served: ServedModelDep,
                     n: Annotated[int, Query(ge=1, le=MAX_ITEMS, description="how many items")] = 10):
    """The `n` pairs the served model is least sure of (smallest margin between its two most
    probable labels; near-ties spread over documents), one per sentence, never a skipped one
    or a sentence already labelled. Documents scored by an earlier model are rescored in the
    background; their old items are offered meanwhile."""
    if await run_in_threadpool(queue.mark_stale, served.version):
        scoring.wake()
    labelled = await run_in_threadpool(store.labelled_text_keys)
    items = await run_in_threadpool(queue.next, n, labelled)
    counts = await run_in_threadpool(queue.counts)
    return {"items": items, "pending_documents": counts["pending"], "open_items": counts["items"]}


@router.post("/skip", response_model=SkipResponse)
async def skip(body: SkipRequest, queue: ReviewQueueDep):
    """Never offer these items again."""
    skipped = await run_in_threadpool(queue.skip, body.items)
    if not skipped:
        raise HTTPException(status_code=404, detail="none of these items is in the queue")
    return {"skipped": skipped}
