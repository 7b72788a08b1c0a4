"""Request and response bodies of the API, in one place."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from classifier.pairs import MAX_DEVELOPMENT_CHARS
from classifier.text import LONE_SURROGATE, is_valid_unicode


def _unicode_text(value: str) -> str:
    if not is_valid_unicode(value):
        raise ValueError(LONE_SURROGATE)
    return value


UnicodeText = Annotated[str, AfterValidator(_unicode_text)]
Development = Annotated[UnicodeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DEVELOPMENT_CHARS)]
DEVELOPMENT_HELP = (
    "what the stances are toward, a short phrase (\"the Russia-North Korea defence treaty\"); "
    "default: the development each sentence is about"
)


class StanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: UnicodeText = Field(description="the document: one or more sentences")
    countries: list[UnicodeText] | None = Field(
        default=None, description="score exactly these countries (canonical names or aliases); default: every country mentioned"
    )
    development: Development | None = Field(default=None, description=DEVELOPMENT_HELP)
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


class AnalysisOut(BaseModel):
    """One document's analysis: the sentences that mention a scored country, and the summary."""

    sentences: list[SentenceOut]
    summary: dict[str, CountrySummaryOut]
    note: str | None = None


class StanceResponse(AnalysisOut):
    model: ModelInfo


class BatchDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: UnicodeText = Field(max_length=200)
    text: UnicodeText
    countries: list[UnicodeText] | None = None
    development: Development | None = Field(default=None, description=DEVELOPMENT_HELP)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[BatchDocument] = Field(min_length=1)
    include_mentions: bool = True


class DocumentOut(AnalysisOut):
    id: str


class BatchResponse(BaseModel):
    model: ModelInfo
    documents: list[DocumentOut]


class Limits(BaseModel):
    """The request limits this service enforces, so that clients (the page) split their uploads to fit."""

    max_body_bytes: int = Field(description="request bodies above this get 413")
    max_text_chars: int = Field(description="texts above this get 413")
    max_batch_documents: int = Field(description="documents per /v1/stance/batch or /v1/review/documents request")
    max_batch_chars: int = Field(description="characters in all the documents of one such request")
    max_timeline_documents: int
    max_label_examples: int


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


# -- labels -------------------------------------------------------------------------------------
GUIDE_EXAMPLE = {
    "text": "The pact has raised alarms in the U.S., while China has refrained from commenting.",
    "labels": {"United States": "concerned", "China": "silent"},
    "source": "newsroom review",
}


class LabelsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    examples: list[Any] = Field(
        min_length=1,
        description=(
            "examples in the labelling guide's format: {text, labels: {canonical country: label}} with optional "
            "id, source, topic, development (the development the labels are toward), register, mentions and cases. Each is checked on its own, like a line of a training file: "
            "the valid ones are stored, the others are reported with their index and reason"
        ),
        json_schema_extra={"examples": [[GUIDE_EXAMPLE]]},
    )


class AcceptedExample(BaseModel):
    index: int = Field(description="position in the request's examples")
    id: int = Field(description="the stored example's id")


class RejectedExample(BaseModel):
    index: int = Field(description="position in the request's examples")
    reason: str
    duplicate_of: int | None = Field(default=None, description="for a duplicate: the id of the stored example it repeats")


class LabelsResponse(BaseModel):
    accepted: list[AcceptedExample]
    rejected: list[RejectedExample] = Field(description="one entry per reason; duplicates have duplicate_of")


class LabelStats(BaseModel):
    examples: int
    pairs: int = Field(description="(sentence, country) pairs in all stored examples")
    by_label: dict[str, int] = Field(description="pairs per label")
    by_country: dict[str, int] = Field(description="pairs per country")
    by_source: dict[str, int] = Field(description="examples per source: the example's own, else 'api' or 'file:NAME'")


# -- corrections from the page ------------------------------------------------------------------
class CorrectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: UnicodeText = Field(description="the whole sentence")
    labels: dict[str, str] = Field(
        min_length=1, description="every country of the sentence with its label: the corrected one, and the others as accepted"
    )
    development: Development | None = Field(default=None, description="the development the labels are toward, as analysed")
    model_version: str | None = Field(default=None, max_length=200, description="the model version that proposed the stances")


class CorrectionResponse(BaseModel):
    id: int = Field(description="the stored example's id")
    status: Literal["created", "updated", "unchanged"] = Field(
        description="created; updated (the sentence was stored: its previous labels are kept in its history); unchanged (stored with these labels already)"
    )
    example: dict[str, Any] = Field(description="the example as stored, in the guide's format")


class HistoryEntry(BaseModel):
    example: dict[str, Any]
    source: str
    model_version: str | None
    replaced_at: str


class LabelHistory(BaseModel):
    id: int
    history: list[HistoryEntry] = Field(description="the versions the example had before its corrections, oldest first")


# -- the review queue ---------------------------------------------------------------------------
class ReviewDocumentsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[BatchDocument] = Field(min_length=1, description="as in /v1/stance/batch")
    include_mentions: bool = Field(default=True, description="accepted for symmetry with /v1/stance/batch; not used")


class ReviewSubmitted(BaseModel):
    accepted: list[str] = Field(description="ids of the documents queued for scoring")
    duplicates: list[str] = Field(description="ids of documents already in the queue with the same text and development")
    pending: int = Field(description="documents waiting to be scored, these included")


class ReviewItem(BaseModel):
    id: int = Field(description="the item's id, for /v1/review/skip")
    document: str
    sentence: int = Field(description="the sentence's index in its document")
    text: str = Field(description="the sentence")
    start: int
    end: int
    country: str
    scores: dict[str, float]
    stance: str = Field(description="the most probable label")
    margin: float = Field(description="P(first) - P(second): the smaller, the less sure the model is")
    sentence_labels: dict[str, str] = Field(description="the model's label for every country of the sentence")
    development: str | None = None
    model_version: str | None = Field(description="the model that scored it")


class ReviewNext(BaseModel):
    items: list[ReviewItem] = Field(description="least sure first; one item per sentence; labelled and skipped ones never")
    pending_documents: int = Field(description="documents still being scored: more items may come")
    open_items: int = Field(description="items not skipped, labelled or not")


class SkipRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[int] = Field(min_length=1, max_length=1000)


class SkipResponse(BaseModel):
    skipped: int


# -- retraining and versions --------------------------------------------------------------------
class RetrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    force: bool = Field(default=False, description="promote the new checkpoint even if it fails the promotion test")


class RetrainStarted(BaseModel):
    job: str
    state: str
    status_url: str


class JobStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "succeeded", "rejected", "failed"]
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    pid: int | None = None
    version: str | None = Field(default=None, description="the checkpoint the job trained, once saved")
    decision: dict | None = Field(default=None, description="promoted or not, forced or not, and why")
    error: str | None = None
    progress: dict = Field(description="phase, epoch, step, steps, loss, dev_macro_f1")
    log_tail: list[str]


class VersionInfo(BaseModel):
    version: str
    status: Literal["current", "promoted", "rejected", "candidate"] = Field(
        description="current; promoted (served earlier); rejected (failed the promotion test); candidate (no verdict)"
    )
    created_at: str | None = None
    dev_macro_f1: float | None = None
    decision: dict | None = None


class ModelList(BaseModel):
    current: str | None = Field(description="the version checkpoints/CURRENT names; null: the configured checkpoint")
    served: str = Field(description="the version this process is scoring with")
    versions: list[VersionInfo]


class RollbackResponse(BaseModel):
    rolled_back_from: str
    current: str | None = Field(description="the version now current; null: the configured checkpoint")
    served: str


# -- timelines ----------------------------------------------------------------------------------
class TimelinePointOut(BaseModel):
    country: str
    period: str = Field(description="the week's Monday (YYYY-MM-DD) or the month (YYYY-MM)")
    pairs: int
    share_supportive: float
    share_concerned: float
    share_silent: float
    mean_polarity: float
    polarity_low: float = Field(description="95% percentile bootstrap interval of the mean polarity")
    polarity_high: float


class TimelineResponse(BaseModel):
    model: ModelInfo
    by: Literal["week", "month"]
    documents: int
    pairs: int
    points: list[TimelinePointOut] = Field(description="by country, then period; the same as `stance timeline`'s CSV")
