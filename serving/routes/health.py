from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from serving.deps import SettingsDep
from serving.schemas import Limits

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request):
    """The model is loaded and warmed up."""
    if getattr(request.app.state, "scorer", None) is None:
        return JSONResponse({"status": "loading", "detail": "the model is not loaded yet"}, status_code=503)
    return {"status": "ready"}


@router.get("/v1/limits", response_model=Limits)
def limits(settings: SettingsDep):
    """The request limits in force (413 beyond them), for clients that split uploads."""
    return {name: getattr(settings, name) for name in Limits.model_fields}


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST

    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
