"""Text checks and comparisons shared by every part of the project, so that "valid text" and
"the same sentence" mean one thing everywhere (data files, the label store, retraining, the API)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# JSON can carry lone surrogates (a \ud800 escape) that no UTF-8 encoder, tokenizer or database accepts.
LONE_SURROGATE = "not valid Unicode text: it holds a lone surrogate (\\ud800-\\udfff)"

_QUOTES = re.compile(r"[\u2018\u2019\u201c\u201d'\"`]")
_NOT_WORD = re.compile(r"[^\w]+")


def is_valid_unicode(value: Any) -> bool:
    """False when a string anywhere in `value` (nested lists and dicts included) holds a lone surrogate."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(is_valid_unicode(k) and is_valid_unicode(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(is_valid_unicode(v) for v in value)
    return True


def normalise(text: str) -> str:
    """A sentence as compared for duplicates and held-out filtering: Unicode-normalised (NFKC),
    lower-cased, quotes dropped, every run of punctuation and whitespace one space. Two texts
    that differ only in case, quotes, punctuation or spacing normalise to the same string."""
    text = _QUOTES.sub("", unicodedata.normalize("NFKC", text).lower())
    return _NOT_WORD.sub(" ", text).strip()
