"""The served model's metadata, the versions the registry holds, and going back to the previous one."""

from __future__ import annotations

from fastapi import APIRouter

from serving.deps import ADMIN_RESPONSES, AdminOnly, RegistryDep, ScorerDep, ServedModelDep
from serving.schemas import ModelList, ModelMetadata, RollbackResponse

router = APIRouter(prefix="/v1", tags=["model"])


@router.get("/model", response_model=ModelMetadata)
def model(scorer: ScorerDep):
    """The served checkpoint's metadata: version, labels, base model, data hashes, metrics."""
    meta = scorer.classifier.meta
    return {**meta, "version": scorer.classifier.version}


@router.get("/models", response_model=ModelList)
def models(registry: RegistryDep, scorer: ScorerDep):
    """Every version, newest first, with its status, dev macro-F1 and its retraining verdict."""
    return {"current": registry.current(), "served": scorer.classifier.version, "versions": registry.describe()}


@router.post("/model/rollback", response_model=RollbackResponse, dependencies=[AdminOnly],
             responses={**ADMIN_RESPONSES, 409: {"description": "no version has been promoted, or the one to go back to is damaged"}})
def rollback(registry: RegistryDep, served: ServedModelDep):
    """Serve the version that was served before the current one; answers once it is served."""
    # Nothing to roll back to, or its files are damaged: RegistryError, 409.
    current, left = registry.rollback()
    served.sync()
    return {"rolled_back_from": left, "current": current, "served": served.version}
