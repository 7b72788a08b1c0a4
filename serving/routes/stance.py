"""Scoring routes: one document, or a batch answered in one pass over the model."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from classifier.document import DocumentAnalysis
from serving.deps import ScorerDep, SettingsDep
from serving.schemas import BatchDocument, BatchRequest, BatchResponse, StanceRequest, StanceResponse
from serving.settings import Settings

router = APIRouter(prefix="/v1", tags=["stance"])

NO_MENTIONS_NOTE = "no country mentions found in the text"
WINDOWED_NOTE = "some sentences were longer than the model's window and were scored on a window around each mention"


@router.post("/stance", response_model=StanceResponse, response_model_exclude_none=True)
async def stance(body: StanceRequest, scorer: ScorerDep, settings: SettingsDep):
    check_document(body.text, body.countries, settings)
    [analysis] = await analyse(scorer, [(body.text, body.countries, body.development)])
    return {"model": model_info(scorer), **document_payload(analysis, body.include_mentions)}


@router.post("/stance/batch", response_model=BatchResponse, response_model_exclude_none=True)
async def stance_batch(body: BatchRequest, scorer: ScorerDep, settings: SettingsDep):
    check_batch(body.documents, settings)
    analyses = await analyse(scorer, [(doc.text, doc.countries, doc.development) for doc in body.documents])
    return {
        "model": model_info(scorer),
        "documents": [{"id": doc.id, **document_payload(a, body.include_mentions)} for doc, a in zip(body.documents, analyses)],
    }


def check_batch(documents: list[BatchDocument], settings: Settings) -> None:
    """The limits of a batch: documents, each document, and characters in all."""
    if len(documents) > settings.max_batch_documents:
        raise HTTPException(status_code=413, detail=f"{len(documents)} documents, the limit is {settings.max_batch_documents}")
    for doc in documents:
        check_document(doc.text, doc.countries, settings, where=f"document {doc.id!r}: ")
    total = sum(len(doc.text) for doc in documents)
    if total > settings.max_batch_chars:
        raise HTTPException(status_code=413, detail=f"documents hold {total} characters in all, the limit is {settings.max_batch_chars}")


def check_document(text: str, countries: list[str] | None, settings: Settings, where: str = "") -> None:
    if not text.strip():
        raise HTTPException(status_code=422, detail=f"{where}text is empty")
    if len(text) > settings.max_text_chars:
        raise HTTPException(status_code=413, detail=f"{where}text has {len(text)} characters, the limit is {settings.max_text_chars}")
    if countries is not None and len(countries) > settings.max_countries:
        raise HTTPException(status_code=422, detail=f"{where}at most {settings.max_countries} countries per document")


async def analyse(scorer: ScorerDep, documents) -> list[DocumentAnalysis]:
    return await scorer.analyse(documents)  # UnknownCountryError: 422, naming them


def model_info(scorer: ScorerDep) -> dict:
    return {"version": scorer.classifier.version, "labels": scorer.classifier.labels}


def document_payload(analysis: DocumentAnalysis, include_mentions: bool) -> dict:
    """Sentences that mention a scored country, the summary, and notes on what to know."""
    payload = analysis.to_dict()
    sentences = [s for s in payload["sentences"] if s["countries"]]
    for sentence in sentences:
        for country in sentence["countries"]:
            country.pop("windowed")
            if not include_mentions:
                country.pop("mentions")
    notes = [NO_MENTIONS_NOTE] if not analysis.summary else []
    notes += [WINDOWED_NOTE] if analysis.windowed else []
    return {"sentences": sentences, "summary": payload["summary"], "note": "; ".join(notes) or None}
