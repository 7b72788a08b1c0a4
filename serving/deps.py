"""Dependencies: the loaded model and the settings, reached from app state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from serving.inference import Scorer
from serving.settings import Settings


def get_scorer(request: Request) -> Scorer:
    scorer = getattr(request.app.state, "scorer", None)
    if scorer is None:
        raise HTTPException(status_code=503, detail="the model is not loaded yet")
    return scorer


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


ScorerDep = Annotated[Scorer, Depends(get_scorer)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
