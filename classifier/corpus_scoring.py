"""Scoring corpus documents into flat rows: the one function every engine (the local job and a Ray
job's actors) calls, so that both give the same rows."""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, Sequence

from classifier.corpus_files import CorpusDocument
from classifier.document import PairScorer, analyse_documents
from classifier.prediction_rows import prediction_rows


def score_each(
    classifier: PairScorer,
    documents: Sequence[CorpusDocument],
    development: str | None = None,
    with_summary: bool = False,
) -> list[list[dict]]:
    """Each document's rows (an empty list for a document with no country), scored in one pass
    over the model (a document's own development first, then `development`). The caller has
    checked the documents' countries: an unknown one raises UnknownCountryError here, as in every
    analysis."""
    analyses = analyse_documents(classifier, [(doc.text, doc.countries, doc.development or development) for doc in documents])
    return rows_of(documents, analyses, classifier.labels, with_summary)


def rows_of(documents: Sequence[CorpusDocument], analyses: Sequence, labels: Sequence[str], with_summary: bool = False) -> list[list[dict]]:
    """Each document's rows from its analysis, however it was scored (here, or by the service's
    micro-batcher)."""
    return [prediction_rows(doc, analysis, labels, with_summary) for doc, analysis in zip(documents, analyses, strict=True)]


def score_documents(
    classifier: PairScorer,
    documents: Sequence[CorpusDocument],
    development: str | None = None,
    with_summary: bool = False,
) -> list[dict]:
    """The rows of `documents`, in their order."""
    return [row for rows in score_each(classifier, documents, development, with_summary) for row in rows]


def chunks(documents: Iterable[CorpusDocument], size: int) -> Iterator[list[CorpusDocument]]:
    """`documents` in lists of `size` (the last may be shorter), read lazily."""
    documents = iter(documents)
    while chunk := list(islice(documents, size)):
        yield chunk


def score_in_chunks(
    classifier: PairScorer,
    documents: Iterable[CorpusDocument],
    chunk_size: int,
    development: str | None = None,
    with_summary: bool = False,
) -> Iterator[tuple[list[str], list[dict]]]:
    """The local engine: (document ids, their rows) for each chunk of `documents`, in order; the
    caller commits each before the next is read."""
    for chunk in chunks(documents, chunk_size):
        yield [doc.id for doc in chunk], score_documents(classifier, chunk, development, with_summary)
