"""Stance timelines for an uploaded file of dated documents: the page's chart, computed by the
same code as `stance predict` + `stance timeline` (corpus_files readers, prediction rows,
classifier.timeline)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from classifier.corpus_files import BadRecord, CorpusDocument, read_corpus
from classifier.corpus_scoring import rows_of
from classifier.document import resolve_countries
from classifier.timeline import build_timeline
from serving.deps import ScorerDep, SettingsDep
from serving.routes.stance import check_document, model_info
from serving.schemas import TimelineResponse

router = APIRouter(prefix="/v1", tags=["timeline"])
UPLOAD_NAMES = {"jsonl": "upload.jsonl", "csv": "upload.csv"}
MAX_REPORTED_PROBLEMS = 20
DOCUMENTS_PER_PASS = 32


@router.post(
    "/timeline", response_model=TimelineResponse,
    openapi_extra={"requestBody": {"required": True, "content": {"application/x-ndjson": {}, "text/csv": {}}}},
    responses={413: {"description": "too many documents or characters"}, 422: {"description": "bad lines, each with its line number"}},
)
async def timeline(
    request: Request, scorer: ScorerDep, settings: SettingsDep,
    format: Annotated[Literal["jsonl", "csv"], Query(description="the body's format: JSON Lines or CSV with a header")] = "jsonl",
    by: Annotated[Literal["week", "month"], Query(description="the period of each point")] = "month",
    development: Annotated[str | None, Query(max_length=300, description="score every document toward this development (a document's own comes first)")] = None,
    countries: Annotated[list[str] | None, Query(description="keep only these countries")] = None,
):
    """Score a file of dated documents (`id`, `date`, `text`, optional `development`,
    `countries`; the body is the file) and aggregate per country and period: pairs, label
    shares, mean polarity with a 95% bootstrap interval. Any bad line is a 422 naming it (by
    line number); nothing is dropped silently."""
    keep = resolve_countries(countries) if countries else None  # UnknownCountryError: 422
    documents = await run_in_threadpool(_read_upload, await request.body(), format)
    if len(documents) > settings.max_timeline_documents:
        raise HTTPException(status_code=413, detail=f"{len(documents)} documents, the limit is {settings.max_timeline_documents}")
    for doc in documents:
        check_document(doc.text, list(doc.countries) if doc.countries else None, settings, where=f"document {doc.id!r}: ")
    undated = [doc.id for doc in documents if not doc.date]
    if undated:
        raise HTTPException(status_code=422, detail=f"documents without a date: {', '.join(map(repr, undated[:MAX_REPORTED_PROBLEMS]))}")
    rows = []
    for start in range(0, len(documents), DOCUMENTS_PER_PASS):
        chunk = documents[start:start + DOCUMENTS_PER_PASS]
        analyses = await scorer.analyse([(doc.text, doc.countries, doc.development or development) for doc in chunk])
        rows.extend(row for doc_rows in rows_of(chunk, analyses, scorer.classifier.labels) for row in doc_rows)
    points, _ = await run_in_threadpool(build_timeline, rows, by, keep)
    return {"model": model_info(scorer), "by": by, "documents": len(documents), "pairs": len(rows),
            "points": [point.to_row() for point in points]}


def _read_upload(body: bytes, format: str) -> list[CorpusDocument]:
    """The documents of an uploaded file, read by the corpus readers; every bad record is a 422."""
    if not body.strip():
        raise HTTPException(status_code=422, detail="the file is empty")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(status_code=422, detail="the file is not UTF-8 text") from None
    name = UPLOAD_NAMES[format]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_text(text, encoding="utf-8")
        items = list(read_corpus([str(path)]))
    # Origins name the upload, never the scratch directory.
    problems = [f"{str(item).replace(str(path), name)}" for item in items if isinstance(item, BadRecord)]
    if problems:
        more = f" (and {len(problems) - MAX_REPORTED_PROBLEMS} more)" if len(problems) > MAX_REPORTED_PROBLEMS else ""
        raise HTTPException(status_code=422, detail="; ".join(problems[:MAX_REPORTED_PROBLEMS]) + more)
    return [item for item in items if isinstance(item, CorpusDocument)]
