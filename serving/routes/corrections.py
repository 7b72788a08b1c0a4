"""Corrections from the page: a person's labels for a whole sentence, stored for retraining."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from serving.deps import ADMIN_RESPONSES, AdminOnly, LabelSpaceDep, LabelStoreDep
from serving.routes.labels import UNWRITABLE_RESPONSES
from serving.schemas import CorrectionRequest, CorrectionResponse

router = APIRouter(prefix="/v1/corrections", tags=["labels"])


@router.post("", response_model=CorrectionResponse, dependencies=[AdminOnly],
             responses={**ADMIN_RESPONSES, **UNWRITABLE_RESPONSES, 422: {"description": "an unknown country or label, named"}})
async def correct(body: CorrectionRequest, store: LabelStoreDep, space: LabelSpaceDep):
    """Store the sentence with every country's label (`source: "page"`), keyed by the sentence:
    a sentence already stored (same normalised text and development) is updated, its previous
    labels kept in its history; the same labels again change nothing. Answered only once the
    example is on disk."""
    example = {"text": body.text, "labels": body.labels}
    if body.development:
        example["development"] = body.development
    # InvalidExample (422, every reason), LabelStoreUnwritable (503/507): nothing stored.
    correction = await run_in_threadpool(store.correct, example, space, "page", body.model_version)
    return asdict(correction)
