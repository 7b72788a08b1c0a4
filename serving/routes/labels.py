"""Labelled examples sent in by users, stored for the next retraining."""

from __future__ import annotations

from dataclasses import asdict

import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response
from starlette.concurrency import run_in_threadpool

from serving.deps import ADMIN_RESPONSES, AdminOnly, LabelSpaceDep, LabelStoreDep, SettingsDep
from serving.schemas import LabelHistory, LabelsRequest, LabelsResponse, LabelStats

router = APIRouter(prefix="/v1/labels", tags=["labels"])
UNWRITABLE_RESPONSES = {
    503: {"description": "the label store is read-only or cannot be written; nothing was stored"},
    507: {"description": "the label store's disk is full; nothing was stored"},
}


@router.post("", response_model=LabelsResponse, response_model_exclude_none=True, dependencies=[AdminOnly],
             responses={**ADMIN_RESPONSES, **UNWRITABLE_RESPONSES})
def add_labels(body: LabelsRequest, store: LabelStoreDep, space: LabelSpaceDep, settings: SettingsDep):
    """Validate each example as a training line is validated, and store the valid ones that are
    not already stored (same normalised text and labels), all in one transaction that is on disk
    before the answer is sent."""
    if len(body.examples) > settings.max_label_examples:
        raise HTTPException(status_code=413, detail=f"{len(body.examples)} examples, the limit is {settings.max_label_examples}")
    # A full or read-only store (LabelStoreUnwritable) answers 507 or 503: nothing of the call is stored.
    intake = store.add(body.examples, space, source="api")
    return {"accepted": [asdict(a) for a in intake.accepted], "rejected": [asdict(r) for r in intake.rejected]}


@router.get("/stats", response_model=LabelStats, responses={503: UNWRITABLE_RESPONSES[503]})
def label_stats(store: LabelStoreDep):
    """Stored examples and pairs, by label, country and source."""
    return store.stats()


@router.get("/export", dependencies=[AdminOnly], responses={**ADMIN_RESPONSES, 200: {"content": {"application/x-ndjson": {}}}},
            response_class=Response)
async def export_labels(store: LabelStoreDep):
    """Every stored example, oldest first, as JSON Lines in the labelling guide's format (what
    `stance labels export` writes)."""
    examples = await run_in_threadpool(store.examples)
    body = "".join(json.dumps(example, ensure_ascii=False) + "\n" for example in examples)
    return Response(body, media_type="application/x-ndjson",
                    headers={"Content-Disposition": 'attachment; filename="labels.jsonl"'})


@router.get("/{example_id}/history", response_model=LabelHistory, dependencies=[AdminOnly], responses=ADMIN_RESPONSES)
async def label_history(example_id: Annotated[int, Path(ge=1)], store: LabelStoreDep):
    """The versions a stored example had before its corrections, oldest first."""
    return {"id": example_id, "history": await run_in_threadpool(store.history, example_id)}
