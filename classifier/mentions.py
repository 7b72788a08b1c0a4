"""Find country mentions in text, with character offsets.

One compiled alternation holds every surface string of the catalogue, longest first, between
word boundaries; scanning left to right, the longest string at the earliest position wins
("Papua New Guinea", never "Guinea" inside it). Blockers and ambiguous strings sit in the same
alternation: they consume their text ("South China Sea", "Korean") and yield nothing. A match
is then dropped when one of its alias's context rules fires ("Michael Jordan", "Atlanta, Georgia").
All the data is in classifier/countries.yaml; matching is case-sensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from classifier.countries import FORMS, CountryCatalog, default_catalog, surface

# How far back a not_preceded_by rule looks.
CONTEXT_WINDOW = 80


@dataclass(frozen=True)
class Mention:
    """``text == source[start:end]``; ``form`` is one of ``FORMS``."""

    country: str
    text: str
    start: int
    end: int
    form: str


def _pattern_for(text: str) -> str:
    """A surface string as a regex: any run of whitespace for a space, either apostrophe for one."""
    return r"\s+".join(re.escape(word).replace("'", "['\u2019]") for word in text.split(" "))


def _alternation(strings: list[str]) -> str:
    """All strings as one alternation, longest first. Strings are grouped by their first
    character ("C(?:hina|had|...)|R(?:ussia|...)"): the same matches as a flat list, but the
    regex engine tries only the branches that can start at a position (about 60x faster)."""
    groups: dict[str, list[str]] = {}
    for text in sorted(strings, key=lambda s: (-len(s), s)):
        groups.setdefault(text[0], []).append(text)
    return "|".join(
        re.escape(first) + "(?:" + "|".join(_pattern_for(text[1:]) for text in group) + ")"
        for first, group in groups.items()
    )


class MentionFinder:
    """Finds the catalogue's countries in text; build it once, call ``find`` for each text."""

    def __init__(self, catalog: CountryCatalog) -> None:
        # surface string -> (country, form), or None for strings that are never a mention
        self._targets: dict[str, tuple[str, str] | None] = dict.fromkeys(
            (surface(s) for s in (*catalog.ambiguous, *catalog.blockers)), None
        )
        for country in catalog:
            for form in FORMS:
                for alias in country.aliases[form]:
                    self._targets.setdefault(surface(alias), (country.name, form))
        self._pattern = re.compile(r"(?<!\w)(?:" + _alternation(list(self._targets)) + r")(?!\w)")
        self._not_preceded_by = {
            alias: tuple(re.compile(rf"(?:{p.pattern})\Z") for p in patterns)
            for alias, patterns in catalog.not_preceded_by.items()
        }
        self._not_followed_by = catalog.not_followed_by

    def find(self, text: str) -> list[Mention]:
        """Country mentions in ``text``: sorted by start, non-overlapping, longest match first."""
        mentions = []
        for match in self._pattern.finditer(text):
            key = " ".join(match.group().replace("\u2019", "'").split())
            target = self._targets[key]
            if target is None or self._ruled_out(key, text, match.start(), match.end()):
                continue
            country, form = target
            mentions.append(Mention(country, match.group(), match.start(), match.end(), form))
        return mentions

    def _ruled_out(self, key: str, text: str, start: int, end: int) -> bool:
        before = max(0, start - CONTEXT_WINDOW)
        return any(p.search(text, before, start) for p in self._not_preceded_by.get(key, ())) or any(
            p.match(text, end) for p in self._not_followed_by.get(key, ())
        )


@lru_cache(maxsize=1)
def default_finder() -> MentionFinder:
    """The finder of the shipped catalogue, built once per process."""
    return MentionFinder(default_catalog())
