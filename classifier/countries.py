"""The country catalogue: canonical names, ISO codes and the surface strings that mention each country.

The data lives in ``classifier/countries.yaml``, shipped inside the package (its header documents the schema). This module
loads it, checks it, and answers two questions: which countries exist (``names``, ``in``,
``[]``) and which country a string names (``canonical``). Finding mentions in running text
is ``classifier.mentions``' job.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from classifier.errors import CatalogueError

FORMS = ("name", "short", "demonym", "capital", "leader", "body")

# Catalogue list key -> the mention form of its strings.
FORM_KEYS = {
    "name_forms": "name",
    "short": "short",
    "demonyms": "demonym",
    "capitals": "capital",
    "leaders": "leader",
    "bodies": "body",
}
CONTEXT_KEYS = ("not_preceded_by", "not_followed_by")
ENTRY_KEYS = ("name", "iso", *FORM_KEYS, *CONTEXT_KEYS)
TOP_LEVEL_KEYS = ("countries", "demonym_phrases", "ambiguous", "blockers")

_ARTICLE = re.compile(r"the\s+", re.IGNORECASE)


def surface(alias: str) -> str:
    """The text a mention of ``alias`` covers: a leading "the" dropped, runs of whitespace
    collapsed to one space, curly apostrophes straightened ("the Kremlin" -> "Kremlin")."""
    text = " ".join(alias.replace("\u2019", "'").split())
    match = _ARTICLE.match(text)
    return text[match.end():] if match and match.end() < len(text) else text


def lookup_key(text: str) -> str:
    """Key for forgiving look-ups: ``surface``, case-folded, without dots ("the U.S." -> "us")."""
    return surface(text).casefold().replace(".", "")


@dataclass(frozen=True)
class Country:
    """One country: its canonical name, ISO 3166-1 alpha-2 code, and its surface strings by form.

    ``aliases`` has every form of ``FORMS`` as a key; ``aliases["name"]`` starts with the
    canonical name itself."""

    name: str
    iso: str
    aliases: dict[str, tuple[str, ...]] = field(hash=False)


class CountryCatalog:
    """The countries of ``classifier/countries.yaml``, and what the mention finder needs besides:
    strings never counted (``ambiguous``, ``blockers``) and per-alias context rules."""

    # Package data, found through importlib.resources, so an installed (non-editable) package
    # has it too.
    DEFAULT_RESOURCE = resources.files("classifier").joinpath("countries.yaml")

    def __init__(
        self,
        countries: list[Country],
        ambiguous: tuple[str, ...] = (),
        blockers: tuple[str, ...] = (),
        not_preceded_by: dict[str, tuple[re.Pattern[str], ...]] | None = None,
        not_followed_by: dict[str, tuple[re.Pattern[str], ...]] | None = None,
    ) -> None:
        self._countries = {country.name: country for country in countries}
        self.ambiguous = ambiguous
        self.blockers = blockers
        # Keyed by an alias's ``surface``: a mention of that alias is dropped when one of the
        # patterns matches the text right before it (not_preceded_by) or right after it (not_followed_by).
        self.not_preceded_by = not_preceded_by or {}
        self.not_followed_by = not_followed_by or {}
        self._index: dict[str, str] = {}
        for country in countries:
            for key in (country.iso, *(a for form in FORMS for a in country.aliases[form])):
                self._index.setdefault(lookup_key(key), country.name)

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> CountryCatalog:
        """Load and check a catalogue (the shipped one by default); a malformed one raises
        ``CatalogueError`` naming the file and the entry."""
        source = Path(path) if path is not None else cls.DEFAULT_RESOURCE
        path = Path(str(source))
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise CatalogueError(f"{path}: not valid YAML: {error}") from None
        return _Parser(path).catalog(data)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._countries))

    def __contains__(self, name: object) -> bool:
        return name in self._countries

    def __getitem__(self, name: str) -> Country:
        try:
            return self._countries[name]
        except KeyError:
            hint = self.canonical(name)
            suggestion = f"; did you mean {hint!r}?" if hint else ""
            raise KeyError(f"{name!r} is not a canonical country name{suggestion}") from None

    def __iter__(self) -> Iterator[Country]:
        return (self._countries[name] for name in self.names)

    def __len__(self) -> int:
        return len(self._countries)

    def canonical(self, name: str) -> str | None:
        """The canonical name for a canonical name, ISO code or alias ("the U.S.", "us", "USA",
        "Kremlin" -> "United States"/"Russia"), ignoring case, dots and a leading "the"; None when unknown."""
        return self._index.get(lookup_key(name))


@functools.lru_cache(maxsize=1)
def default_catalog() -> CountryCatalog:
    """The shipped catalogue (``CountryCatalog.DEFAULT_RESOURCE``), loaded once."""
    return CountryCatalog.from_yaml()


class _Parser:
    """Turns the YAML data into a catalogue, raising ValueError("<file>: <entry>: <problem>")."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.claimed: dict[str, tuple[str, str]] = {}  # lookup_key -> (owner, the string as written)

    def fail(self, where: str, problem: str) -> None:
        raise CatalogueError(f"{self.path}: {where}: {problem}")

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            self.fail(where, f"expected a list of non-empty strings, got {value!r}")
        return tuple(value)

    def claim(self, text: str, owner: str, where: str) -> None:
        key = lookup_key(text)
        previous = self.claimed.setdefault(key, (owner, text))
        if previous[0] != owner:
            self.fail(where, f"{text!r} is already claimed by {previous[0]} (as {previous[1]!r})")

    def catalog(self, data: Any) -> CountryCatalog:
        if not isinstance(data, dict) or not isinstance(data.get("countries"), list):
            self.fail("top level", "expected a mapping with a 'countries' list")
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self.fail("top level", f"unknown key {key!r}; expected one of {', '.join(TOP_LEVEL_KEYS)}")
        ambiguous = self.strings(data.get("ambiguous", []), "ambiguous")
        blockers = self.strings(data.get("blockers", []), "blockers")
        for text in ambiguous:
            self.claim(text, "'ambiguous'", "ambiguous")
        for text in blockers:
            self.claim(text, "'blockers'", "blockers")
        phrases = self.demonym_phrases(data.get("demonym_phrases", {}))

        countries, preceded, followed, seen_iso = [], {}, {}, {}
        for number, entry in enumerate(data["countries"]):
            where = f"countries[{number}]"
            if not isinstance(entry, dict):
                self.fail(where, f"expected a mapping, got {entry!r}")
            name, iso = entry.get("name"), entry.get("iso")
            if not isinstance(name, str) or not name.strip():
                self.fail(where, "missing 'name' (the canonical country name)")
            where = f"{where} ({name})"
            if not isinstance(iso, str) or not re.fullmatch(r"[A-Z]{2}", iso):
                self.fail(where, f"'iso' must be a two-letter upper-case ISO 3166-1 code, got {iso!r}")
            for key in entry:
                if key not in ENTRY_KEYS:
                    self.fail(where, f"unknown key {key!r}; expected one of {', '.join(ENTRY_KEYS)}")
            if any(country.name == name for country in countries):
                self.fail(where, f"duplicate canonical name {name!r}")
            if iso in seen_iso:
                self.fail(where, f"ISO code {iso!r} is already used by {seen_iso[iso]}")
            seen_iso[iso] = name
            country = self.country(entry, where, phrases)
            countries.append(country)
            aliases = {surface(a) for form in FORMS for a in country.aliases[form]}
            preceded.update(self.rules(entry, "not_preceded_by", where, aliases))
            followed.update(self.rules(entry, "not_followed_by", where, aliases))
        for country in countries:  # an ISO code must not be another country's alias
            self.claim(country.iso, country.name, f"{country.name} iso")
        return CountryCatalog(countries, ambiguous, blockers, preceded, followed)

    def demonym_phrases(self, value: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict) or any(form not in FORMS for form in value):
            self.fail("demonym_phrases", f"expected a mapping from a form ({', '.join(FORMS)}) to phrases, got {value!r}")
        return {form: self.strings(phrases, f"demonym_phrases.{form}") for form, phrases in value.items()}

    def country(self, entry: dict, where: str, phrases: dict[str, tuple[str, ...]]) -> Country:
        name = entry["name"]
        by_form: dict[str, list[str]] = {form: [] for form in FORMS}
        by_form["name"].append(name)
        for key, form in FORM_KEYS.items():
            by_form[form].extend(self.strings(entry.get(key, []), f"{where} {key}"))
        demonyms = by_form["demonym"]
        if demonyms:  # "<adjective> <phrase>": "Chinese Foreign Ministry", "Iranian president"
            for form, tails in phrases.items():
                by_form[form].extend(f"{demonyms[0]} {tail}" for tail in tails)
        for form in FORMS:
            for alias in by_form[form]:
                self.claim(alias, name, where)
        return Country(name, entry["iso"], {form: tuple(dict.fromkeys(by_form[form])) for form in FORMS})

    def rules(self, entry: dict, key: str, where: str, aliases: set[str]) -> dict[str, tuple[re.Pattern[str], ...]]:
        value = entry.get(key, {})
        if not isinstance(value, dict):
            self.fail(f"{where} {key}", f"expected a mapping from an alias to a list of regular expressions, got {value!r}")
        rules = {}
        for alias, patterns in value.items():
            if not isinstance(alias, str) or surface(alias) not in aliases:
                self.fail(f"{where} {key}", f"{alias!r} is not one of this country's aliases")
            compiled = []
            for pattern in self.strings(patterns, f"{where} {key}[{alias!r}]"):
                try:
                    compiled.append(re.compile(pattern))
                except re.error as error:
                    self.fail(f"{where} {key}[{alias!r}]", f"invalid regular expression {pattern!r}: {error}")
            rules[surface(alias)] = tuple(compiled)
        return rules
