"""From raw text to per-sentence, per-country stances and a per-country summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Protocol, Sequence

from classifier.countries import CountryCatalog, default_catalog
from classifier.errors import UnknownCountryError
from classifier.mentions import Mention, default_finder
from classifier.pairs import PairPrediction, StancePair
from classifier.sentences import Sentence, split_sentences



class PairScorer(Protocol):
    """What the pipeline needs of a model: its labels, and a score for each pair
    (StanceClassifier is one)."""

    labels: list[str]

    def predict_pairs(self, pairs: Sequence[StancePair]) -> list[PairPrediction]: ...


@dataclass
class MentionSpan:
    text: str
    start: int
    end: int


@dataclass
class CountryStance:
    country: str
    stance: str
    scores: dict[str, float]
    polarity: float
    mentions: list[MentionSpan]
    windowed: bool = False


@dataclass
class SentenceAnalysis:
    index: int
    text: str
    start: int
    end: int
    countries: list[CountryStance] = field(default_factory=list)


@dataclass
class Evidence:
    sentence: int
    text: str
    stance: str
    polarity: float


@dataclass
class CountrySummary:
    sentences: int
    counts: dict[str, int]
    mean_polarity: float
    dominant_stance: str
    evidence: Evidence


@dataclass
class DocumentAnalysis:
    sentences: list[SentenceAnalysis]
    summary: dict[str, CountrySummary]

    @property
    def windowed(self) -> bool:
        return any(c.windowed for s in self.sentences for c in s.countries)

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_countries(names: Sequence[str], catalog: CountryCatalog | None = None) -> list[str]:
    """Canonical names for names the caller gave (aliases accepted), in order, without repeats."""
    catalog = catalog or default_catalog()
    resolved = {name: catalog.canonical(name) for name in names}
    unknown = [name for name, canonical in resolved.items() if canonical is None]
    if unknown:
        raise UnknownCountryError(unknown)
    return list(dict.fromkeys(resolved.values()))  # type: ignore[arg-type]


# A document to analyse: (text, countries or None[, development or None]).
DocumentInput = tuple[str, Sequence[str] | None] | tuple[str, Sequence[str] | None, str | None]


def analyse_document(
    classifier: PairScorer, text: str, countries: Sequence[str] | None = None, development: str | None = None
) -> DocumentAnalysis:
    return analyse_documents(classifier, [(text, countries, development)])[0]


def analyse_documents(classifier: PairScorer, documents: Sequence[DocumentInput]) -> list[DocumentAnalysis]:
    """Analyse several documents with one pass over the model.

    Without `countries`, every country the sentence mentions is scored. With `countries`, exactly
    those are scored, in every sentence (a sentence may refer to a country through a stand-in the
    catalogue does not know); their mentions are listed where found. A `development` (a short
    phrase) is what every sentence's stances are taken toward; without one the model takes the
    development each sentence is about.
    """
    plan = plan_documents(documents)
    return plan.assemble(classifier.predict_pairs(plan.pairs), classifier.labels)


@dataclass
class DocumentPlan:
    """Documents cut into sentences and the (sentence, country) pairs to score, kept apart from
    the scoring so that a server can score the pairs of many requests together."""

    pairs: list[StancePair]
    _slots: list[tuple[SentenceAnalysis, str, Sentence, list[Mention]]]
    _sentences: list[list[SentenceAnalysis]]

    def assemble(self, predictions: Sequence[PairPrediction], labels: Sequence[str]) -> list[DocumentAnalysis]:
        """The analyses, given one prediction per pair in `pairs` order."""
        for (analysis, country, sentence, mentions), prediction in zip(self._slots, predictions, strict=True):
            analysis.countries.append(
                CountryStance(
                    country=country,
                    stance=prediction.stance,
                    scores=prediction.scores,
                    polarity=prediction.polarity,
                    mentions=[MentionSpan(m.text, sentence.start + m.start, sentence.start + m.end) for m in mentions],
                    windowed=prediction.windowed,
                )
            )
        return [DocumentAnalysis(sentences=s, summary=summarise(s, labels)) for s in self._sentences]


def plan_documents(documents: Sequence[DocumentInput]) -> DocumentPlan:
    """Split documents into sentences, find the countries and list the pairs to score."""
    finder = default_finder()
    slots, all_sentences = [], []
    developments = []
    for text, countries, *rest in documents:
        development = (rest[0] or "").strip() or None if rest else None
        wanted = resolve_countries(countries) if countries else None
        sentences = []
        for index, sentence in enumerate(split_sentences(text)):
            analysis = SentenceAnalysis(index=index, text=sentence.text, start=sentence.start, end=sentence.end)
            by_country = _group(finder.find(sentence.text))
            for country in wanted if wanted is not None else by_country:
                slots.append((analysis, country, sentence, by_country.get(country, [])))
                developments.append(development)
            sentences.append(analysis)
        all_sentences.append(sentences)
    pairs = [
        StancePair(text=s.text, target=country, spans=tuple((m.start, m.end) for m in mentions), development=development)
        for (_, country, s, mentions), development in zip(slots, developments)
    ]
    return DocumentPlan(pairs, slots, all_sentences)


def _group(mentions: list[Mention]) -> dict[str, list[Mention]]:
    grouped: dict[str, list[Mention]] = {}
    for mention in mentions:
        grouped.setdefault(mention.country, []).append(mention)
    return grouped


def summarise(sentences: Sequence[SentenceAnalysis], labels: Sequence[str]) -> dict[str, CountrySummary]:
    """Per country: label counts, mean polarity, the most frequent stance (ties go to the stance
    with the larger summed probability) and the sentence that shows it most strongly."""
    found: dict[str, list[tuple[SentenceAnalysis, CountryStance]]] = {}
    for sentence in sentences:
        for stance in sentence.countries:
            found.setdefault(stance.country, []).append((sentence, stance))
    summary = {}
    for country, rows in found.items():
        counts = Counter(stance.stance for _, stance in rows)
        mass = {label: sum(stance.scores.get(label, 0.0) for _, stance in rows) for label in labels}
        dominant = max(labels, key=lambda label: (counts.get(label, 0), mass[label]))
        best_sentence, best = max(
            ((s, c) for s, c in rows if c.stance == dominant), key=lambda row: row[1].scores.get(dominant, 0.0)
        )
        summary[country] = CountrySummary(
            sentences=len(rows),
            counts={label: counts.get(label, 0) for label in labels},
            mean_polarity=round(sum(c.polarity for _, c in rows) / len(rows), 6),
            dominant_stance=dominant,
            evidence=Evidence(best_sentence.index, best_sentence.text, best.stance, best.polarity),
        )
    return summary
