"""The flat rows a corpus job writes: one per (document, sentence, country), the same for every
engine and output format, so that a local job and a Ray job give identical files."""

from __future__ import annotations

from typing import Sequence

from classifier.corpus_files import CorpusDocument
from classifier.document import DocumentAnalysis

# Column order; the scores follow as one column per label (`p_<label>`).
ROW_FIELDS = ("id", "date", "source", "development", "sentence", "start", "end", "text", "country", "stance", "polarity")
SUMMARY_FIELDS = ("document_sentences", "document_stance", "document_mean_polarity")


def row_columns(labels: Sequence[str], with_summary: bool = False) -> list[str]:
    return [*ROW_FIELDS, *(f"p_{label}" for label in labels), *(SUMMARY_FIELDS if with_summary else ())]


def prediction_rows(
    document: CorpusDocument, analysis: DocumentAnalysis, labels: Sequence[str], with_summary: bool = False
) -> list[dict]:
    """The rows of one analysed document; with `with_summary`, each row also carries the
    document's summary for its country (how many sentences, the dominant stance, the mean polarity)."""
    rows = []
    for sentence in analysis.sentences:
        for stance in sentence.countries:
            row = {
                "id": document.id,
                "date": document.date,
                "source": document.source,
                "development": document.development,
                "sentence": sentence.index,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "country": stance.country,
                "stance": stance.stance,
                "polarity": stance.polarity,
            }
            row.update({f"p_{label}": stance.scores[label] for label in labels})
            if with_summary:
                summary = analysis.summary[stance.country]
                row.update(
                    document_sentences=summary.sentences,
                    document_stance=summary.dominant_stance,
                    document_mean_polarity=summary.mean_polarity,
                )
            rows.append(row)
    return rows
