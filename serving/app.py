"""The FastAPI application factory and the server entry point."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from classifier.errors import StanceError
from classifier.model import StanceClassifier
from serving.batching import MicroBatcher, Overloaded
from serving.limits import BodySizeLimit
from serving.metrics import Metrics, RequestMetrics
from serving.retrain_runner import RetrainRunner
from serving.review_scoring import ReviewScoring
from serving.routes import corrections, health, labels, models, retrain, review, stance, timeline
from serving.served_model import ServedModel
from serving.settings import Settings
from training.jobs import Jobs
from training.registry import Registry
from training.review_queue import ReviewQueue

logger = logging.getLogger("stance.serving")
STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, classifier: StanceClassifier | None = None) -> FastAPI:
    """Build the app. The model is loaded once, in the lifespan, from the version
    `checkpoints/CURRENT` names, or `settings.checkpoint` when nothing was promoted (or the
    given classifier is used), and shared by every request until a promotion or rollback swaps
    it (see serving.served_model)."""
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        batcher = MicroBatcher(settings.batch_max_pairs, settings.batch_wait_ms, settings.max_queued_pairs, metrics)
        app.state.served_model.start(batcher, classifier)
        # Documents queued for review before a restart are scored now.
        app.state.review_scoring = ReviewScoring(ReviewQueue.in_state_dir(settings.state_dir), lambda: app.state.scorer)
        app.state.review_scoring.start()
        yield
        await app.state.review_scoring.stop()
        await batcher.stop()
        app.state.scorer = None

    app = FastAPI(title="Country stance classifier", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.scorer = None
    app.state.registry = Registry(settings.checkpoints_dir)
    app.state.served_model = ServedModel(app.state, app.state.registry, settings.checkpoint, metrics)
    app.state.retrain_runner = RetrainRunner(Jobs(settings.state_dir), on_finished=app.state.served_model.sync_logging_errors)
    # Outermost first: count every request, including the ones refused for their size.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMetrics, metrics=metrics)
    if settings.cors_origins:
        # Off unless configured: a page on another origin cannot read any answer by default.
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    for router in (health.router, stance.router, models.router, labels.router, corrections.router, review.router, retrain.router, timeline.router):
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

    @app.exception_handler(StanceError)
    async def stance_error(request: Request, exc: StanceError):
        # Every user-facing error maps to its status once, here (classifier/errors.py).
        return JSONResponse({"detail": str(exc)}, status_code=exc.http_status)

    @app.exception_handler(Overloaded)
    async def overloaded(request: Request, exc: Overloaded):
        return JSONResponse(
            {"detail": f"the server is busy ({exc.queued_pairs} pairs queued): retry in {exc.retry_after} s"},
            status_code=503, headers={"Retry-After": str(exc.retry_after)},
        )

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
