"""Dependencies: the loaded model, the settings, the stores and the admin check, reached from
app state."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from classifier.config import RunConfig
from classifier.errors import ConfigError
from serving.inference import Scorer
from serving.retrain_runner import RetrainRunner
from serving.review_scoring import ReviewScoring
from serving.served_model import ServedModel
from serving.settings import Settings
from training.data import LabelSpace
from training.jobs import Jobs
from training.label_store import LabelStore
from training.registry import Registry
from training.review_queue import ReviewQueue

logger = logging.getLogger("stance.serving")
ADMIN_DISABLED = "admin routes are disabled until STANCE_ADMIN_TOKEN is set"
ADMIN_UNAUTHORISED = "a valid admin token is required: Authorization: Bearer <STANCE_ADMIN_TOKEN>"

bearer = HTTPBearer(auto_error=False, description="the value of STANCE_ADMIN_TOKEN")
ADMIN_RESPONSES = {401: {"description": ADMIN_UNAUTHORISED}, 403: {"description": ADMIN_DISABLED}}


# The scoring path's dependencies are async: a sync one would run in the server's thread pool,
# one thread hop per request for a lookup, spread over up to 40 threads.
async def get_served_model(request: Request) -> ServedModel:
    return request.app.state.served_model


async def get_scorer(request: Request) -> Scorer:
    # Cheap (one stat): picks up a promotion or rollback made by another process.
    request.app.state.served_model.follow_pointer()
    scorer = getattr(request.app.state, "scorer", None)
    if scorer is None:
        raise HTTPException(status_code=503, detail="the model is not loaded yet")
    return scorer


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_registry(request: Request) -> Registry:
    return request.app.state.registry


def get_retrain_runner(request: Request) -> RetrainRunner:
    return request.app.state.retrain_runner


def get_jobs(runner: Annotated[RetrainRunner, Depends(get_retrain_runner)]) -> Jobs:
    return runner.jobs


def get_label_store(settings: Annotated[Settings, Depends(get_settings)]) -> LabelStore:
    return LabelStore.in_state_dir(settings.state_dir)


def get_review_queue(settings: Annotated[Settings, Depends(get_settings)]) -> ReviewQueue:
    return ReviewQueue.in_state_dir(settings.state_dir)


def get_review_scoring(request: Request) -> ReviewScoring:
    return request.app.state.review_scoring


def get_label_space(settings: Annotated[Settings, Depends(get_settings)]) -> LabelSpace:
    """The labels retraining trains with: stored examples are checked against these."""
    try:
        return LabelSpace.from_config(RunConfig.from_yaml(settings.retrain_config))
    except ConfigError:
        logger.exception("cannot read the retraining config")
        # No path in the answer: callers learn what is wrong, the log says where.
        raise HTTPException(status_code=503, detail="labels cannot be checked: the retraining config (STANCE_RETRAIN_CONFIG) is unreadable") from None


def require_admin(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Routes that change state need `Authorization: Bearer <STANCE_ADMIN_TOKEN>`; without a
    token configured they are off altogether (403), so a forgotten setting fails closed."""
    token = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if not token:
        raise HTTPException(status_code=403, detail=ADMIN_DISABLED)
    # compare_digest: the time taken does not tell how much of a guess was right.
    if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(status_code=401, detail=ADMIN_UNAUTHORISED, headers={"WWW-Authenticate": "Bearer"})


ScorerDep = Annotated[Scorer, Depends(get_scorer)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ServedModelDep = Annotated[ServedModel, Depends(get_served_model)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
RetrainRunnerDep = Annotated[RetrainRunner, Depends(get_retrain_runner)]
JobsDep = Annotated[Jobs, Depends(get_jobs)]
LabelStoreDep = Annotated[LabelStore, Depends(get_label_store)]
LabelSpaceDep = Annotated[LabelSpace, Depends(get_label_space)]
ReviewQueueDep = Annotated[ReviewQueue, Depends(get_review_queue)]
ReviewScoringDep = Annotated[ReviewScoring, Depends(get_review_scoring)]
AdminOnly = Depends(require_admin)
