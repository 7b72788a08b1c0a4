"""Country stance classification: for every sentence of a text, each country it mentions and that
country's stance (supportive, concerned, silent) toward the development the sentence is about.

    from classifier import StanceClassifier
    model = StanceClassifier.from_pretrained("checkpoints/default")
    analysis = model.predict("Seoul condemned the pact, while the Kremlin hailed it.")

This package knows nothing of training or serving: `training` and `serving` build on it.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> the module that defines it. Loaded on first use (PEP 562), so that importing a
# light module of the package (errors, text, countries) does not import torch.
_EXPORTS = {
    "DEFAULT_CHECKPOINT": "classifier.config",
    "RunConfig": "classifier.config",
    "CountryCatalog": "classifier.countries",
    "default_catalog": "classifier.countries",
    "CountryStance": "classifier.document",
    "CountrySummary": "classifier.document",
    "DocumentAnalysis": "classifier.document",
    "SentenceAnalysis": "classifier.document",
    "analyse_document": "classifier.document",
    "analyse_documents": "classifier.document",
    "resolve_countries": "classifier.document",
    "CheckpointError": "classifier.errors",
    "ConfigError": "classifier.errors",
    "DataError": "classifier.errors",
    "StanceError": "classifier.errors",
    "UnknownCountryError": "classifier.errors",
    "Mention": "classifier.mentions",
    "MentionFinder": "classifier.mentions",
    "default_finder": "classifier.mentions",
    "StanceClassifier": "classifier.model",
    "PairPrediction": "classifier.pairs",
    "StancePair": "classifier.pairs",
    "polarity": "classifier.pairs",
    "Sentence": "classifier.sentences",
    "split_sentences": "classifier.sentences",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'classifier' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
