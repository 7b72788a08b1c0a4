from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request):
    from fastapi.responses import JSONResponse

    if getattr(request.app.state, "scorer", None) is None:
        return JSONResponse({"status": "loading", "detail": "the model is not loaded yet"}, status_code=503)
    return {"status": "ready"}
