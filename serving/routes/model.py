from __future__ import annotations

from fastapi import APIRouter

from serving.deps import ScorerDep
from serving.schemas import ModelMetadata

router = APIRouter(prefix="/v1", tags=["model"])


@router.get("/model", response_model=ModelMetadata)
def model(scorer: ScorerDep):
    """The served checkpoint's metadata: version, labels, base model, data hashes, metrics."""
    meta = scorer.classifier.meta
    return {**meta, "version": scorer.classifier.version}
