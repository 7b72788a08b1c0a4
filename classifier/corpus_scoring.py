"""Scoring a chunk of corpus documents into flat rows: the one function every engine (the local
job and a Ray job's actors) calls, so that both give the same rows."""

from __future__ import annotations

from typing import Sequence

from classifier.corpus_files import BadRecord, CorpusDocument
from classifier.document import PairScorer, analyse_documents, resolve_countries
from classifier.errors import StanceError
from classifier.prediction_rows import prediction_rows


def score_documents(
    classifier: PairScorer,
    documents: Sequence[CorpusDocument],
    development: str | None = None,
    with_summary: bool = False,
) -> tuple[list[dict], list[BadRecord]]:
    """The rows of `documents` scored in one pass over the model (a document's own development
    first, then `development`), and a BadRecord for each document that cannot be scored (an
    unknown country), which gives no rows."""
    good, bad = [], []
    for doc in documents:
        try:
            countries = resolve_countries(doc.countries) if doc.countries else None
        except StanceError as err:
            bad.append(BadRecord(doc.origin, str(err)))
            continue
        good.append((doc, countries))
    analyses = analyse_documents(classifier, [(doc.text, countries, doc.development or development) for doc, countries in good])
    rows = []
    for (doc, _), analysis in zip(good, analyses, strict=True):
        rows.extend(prediction_rows(doc, analysis, classifier.labels, with_summary))
    return rows, bad
