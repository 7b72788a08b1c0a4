"""Scoring a chunk of corpus documents into flat rows: the one function every engine (the local
job and a Ray job's actors) calls, so that both give the same rows."""

from __future__ import annotations

from typing import Sequence

from classifier.corpus_files import CorpusDocument
from classifier.document import PairScorer, analyse_documents
from classifier.prediction_rows import prediction_rows


def score_documents(
    classifier: PairScorer,
    documents: Sequence[CorpusDocument],
    development: str | None = None,
    with_summary: bool = False,
) -> list[dict]:
    """The rows of `documents` scored in one pass over the model (a document's own development
    first, then `development`). The caller has checked the documents' countries: an unknown one
    raises UnknownCountryError here, as in every analysis."""
    analyses = analyse_documents(classifier, [(doc.text, doc.countries, doc.development or development) for doc in documents])
    rows = []
    for doc, analysis in zip(documents, analyses, strict=True):
        rows.extend(prediction_rows(doc, analysis, classifier.labels, with_summary))
    return rows
