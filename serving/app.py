"""The FastAPI application factory and the server entry point."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from classifier.model import StanceClassifier
from serving.inference import Scorer
from serving.limits import BodySizeLimit
from serving.metrics import Metrics, RequestMetrics
from serving.routes import health, model, stance
from serving.settings import Settings

logger = logging.getLogger("stance.serving")
STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, classifier: StanceClassifier | None = None) -> FastAPI:
    """Build the app. The model is loaded once, in the lifespan, from `settings.checkpoint`
    (or the given classifier is used), and shared by every request."""
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        loaded = classifier or StanceClassifier.from_pretrained(settings.checkpoint)
        scorer = Scorer(loaded, settings.max_concurrency, metrics)
        scorer.warm_up()
        metrics.set_model(loaded.version)
        app.state.scorer = scorer
        logger.info("serving model %s from %s", loaded.version, settings.checkpoint)
        yield
        app.state.scorer = None

    app = FastAPI(title="Country stance classifier", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.scorer = None
    # Outermost first: count every request, including the ones refused for their size.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMetrics, metrics=metrics)
    for router in (health.router, stance.router, model.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # FastAPI's own error body, minus the echoed input: a huge or binary body must not be
        # sent back.
        errors = [{k: v for k, v in error.items() if k not in ("input", "ctx", "url")} for error in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        # Never leak a stack trace or a file system path to the caller.
        logger.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app


def run(**overrides) -> None:
    import uvicorn

    settings = Settings(**overrides)
    logging.basicConfig(level=settings.log_level.upper())
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level)
