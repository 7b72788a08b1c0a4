"""Service settings, read from the environment (STANCE_ prefix) when the app is created."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from classifier.config import DEFAULT_CHECKPOINT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STANCE_", extra="ignore")

    checkpoint: str = Field(default=DEFAULT_CHECKPOINT, description="served while checkpoints/CURRENT is absent")
    checkpoints_dir: str = Field(default="checkpoints", description="versioned checkpoints, CURRENT and HISTORY.jsonl")
    state_dir: str = Field(default="state", description="the label store and the retraining jobs")
    retrain_config: str = Field(default="configs/default.yaml", description="the run config retraining jobs train with")
    admin_token: SecretStr | None = Field(default=None, description="Bearer token of the routes that change state; unset: they answer 403")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=1_000_000, ge=1, description="request bodies above this get 413")
    max_text_chars: int = Field(default=100_000, ge=1, description="texts above this get 413")
    max_countries: int = Field(default=200, ge=1)
    max_batch_documents: int = Field(default=64, ge=1, description="documents per /v1/stance/batch request")
    max_batch_chars: int = Field(default=500_000, ge=1, description="characters in all the documents of a batch")
    batch_max_pairs: int = Field(default=256, ge=1, description="pairs scored in one model pass, from as many requests as fit")
    batch_wait_ms: float = Field(default=2.0, ge=0, le=1000, description="how long a pass waits for more requests to join")
    max_queued_pairs: int = Field(default=4096, ge=1, description="pairs waiting to be scored; beyond this requests get 503 with Retry-After")
    max_timeline_documents: int = Field(default=2000, ge=1, description="documents per /v1/timeline upload (the body limit applies too)")
    max_label_examples: int = Field(default=1000, ge=1, description="examples per /v1/labels request")
    log_level: str = "info"
    cors_origins: list[str] = Field(
        default=[], description='origins allowed to call the API from a browser page (JSON list, e.g. ["https://app.example"]); empty: no CORS headers'
    )
