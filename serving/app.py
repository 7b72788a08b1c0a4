"""The FastAPI application factory and the server entry point."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from classifier.model import StanceClassifier
from serving.inference import Scorer
from serving.limits import BodySizeLimit
from serving.routes import health, stance
from serving.settings import Settings

logger = logging.getLogger("stance.serving")


def create_app(settings: Settings | None = None, classifier: StanceClassifier | None = None) -> FastAPI:
    """Build the app. The model is loaded once, in the lifespan, from `settings.checkpoint`
    (or the given classifier is used), and shared by every request."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        model = classifier or StanceClassifier.from_pretrained(settings.checkpoint)
        scorer = Scorer(model, settings.max_concurrency)
        scorer.warm_up()
        app.state.scorer = scorer
        logger.info("serving model %s from %s", model.version, settings.checkpoint)
        yield
        app.state.scorer = None

    app = FastAPI(title="Country stance classifier", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.scorer = None
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(health.router)
    app.include_router(stance.router)

    @app.exception_handler(Exception)
    async def internal_error(request, exc):  # never leak a stack trace or a path
        logger.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app


def run(**overrides) -> None:
    import uvicorn

    settings = Settings(**overrides)
    logging.basicConfig(level=settings.log_level.upper())
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level)
