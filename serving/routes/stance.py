from __future__ import annotations

from fastapi import APIRouter, HTTPException

from classifier.document import UnknownCountryError
from serving.deps import ScorerDep, SettingsDep
from serving.schemas import StanceRequest, StanceResponse

router = APIRouter(prefix="/v1", tags=["stance"])

NO_MENTIONS_NOTE = "no country mentions found in the text"
WINDOWED_NOTE = "some sentences were longer than the model's window and were scored on a window around each mention"


@router.post("/stance", response_model=StanceResponse, response_model_exclude_none=True)
async def stance(body: StanceRequest, scorer: ScorerDep, settings: SettingsDep) -> StanceResponse:
    if not body.text.strip():
        raise HTTPException(status_code=422, detail="text is empty")
    if len(body.text) > settings.max_text_chars:
        raise HTTPException(status_code=413, detail=f"text has {len(body.text)} characters, the limit is {settings.max_text_chars}")
    if body.countries is not None and len(body.countries) > settings.max_countries:
        raise HTTPException(status_code=422, detail=f"at most {settings.max_countries} countries per request")
    try:
        analysis = await scorer.analyse(body.text, body.countries)
    except UnknownCountryError as err:
        raise HTTPException(status_code=422, detail=f"unknown countries: {err.names}") from None
    payload = analysis.to_dict()
    if not body.include_mentions:
        for sentence in payload["sentences"]:
            for country in sentence["countries"]:
                country.pop("mentions")
    payload["sentences"] = [s for s in payload["sentences"] if s["countries"]]
    notes = [NO_MENTIONS_NOTE] if not analysis.summary else []
    notes += [WINDOWED_NOTE] if analysis.windowed else []
    classifier = scorer.classifier
    return StanceResponse(
        model={"version": classifier.version, "labels": classifier.labels},
        sentences=payload["sentences"],
        summary=payload["summary"],
        note="; ".join(notes) or None,
    )
