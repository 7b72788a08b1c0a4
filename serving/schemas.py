"""Request and response bodies of the API, in one place."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="the document: one or more sentences")
    countries: list[str] | None = Field(
        default=None, description="score exactly these countries (canonical names or aliases); default: every country mentioned"
    )
    include_mentions: bool = True


class MentionOut(BaseModel):
    text: str
    start: int
    end: int


class CountryStanceOut(BaseModel):
    country: str
    stance: str
    scores: dict[str, float]
    polarity: float = Field(description="P(supportive) - P(concerned), in [-1, 1]")
    mentions: list[MentionOut] | None = None


class SentenceOut(BaseModel):
    index: int
    text: str
    start: int
    end: int
    countries: list[CountryStanceOut]


class EvidenceOut(BaseModel):
    sentence: int
    text: str
    stance: str
    polarity: float


class CountrySummaryOut(BaseModel):
    sentences: int
    counts: dict[str, int]
    mean_polarity: float
    dominant_stance: str
    evidence: EvidenceOut


class ModelInfo(BaseModel):
    version: str
    labels: list[str]


class StanceResponse(BaseModel):
    model: ModelInfo
    sentences: list[SentenceOut]
    summary: dict[str, CountrySummaryOut]
    note: str | None = None


class BatchDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=200)
    text: str
    countries: list[str] | None = None


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[BatchDocument] = Field(min_length=1)
    include_mentions: bool = True


class DocumentOut(BaseModel):
    id: str
    sentences: list[SentenceOut]
    summary: dict[str, CountrySummaryOut]
    note: str | None = None


class BatchResponse(BaseModel):
    model: ModelInfo
    documents: list[DocumentOut]


class ModelMetadata(BaseModel):
    version: str
    labels: list[str]
    target_encoding: str
    max_length: int
    created_at: str | None = None
    base_model: dict | None = None
    data: dict | None = None
    metrics: dict | None = None
    training_config: dict | None = None
    versions: dict | None = None
