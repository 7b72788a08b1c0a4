"""Country swaps: more text for a teacher to label, so that a student has more to learn from.

A distilled student learns its teacher's function only where the teacher is asked, and the size
of that set was the lever that moved the student most (2,302 -> 44,493 soft pairs closed the gap
to the teacher from 8.6 to 4.3 points). A swap copies a pool sentence with one of its countries
replaced by another country of the catalogue, in the sentence and in its development, so that
the teacher then labels a sentence it has not seen, with the same wording around a new country.
Labels are the teacher's, never carried over: a swap may change the stance.

Only mentions whose replacement reads as English are rewritten: a name or short name becomes the
other country's canonical name, a capital its first capital, the adjectival demonym its
adjectival demonym. A country that is also mentioned by a leader, a body, a plural demonym or a
demonym phrase ("Iranian president") is not swapped, since those would still point at it; a
sentence with no swappable country has no copy. Countries whose names take an article ("the
Philippines") are not swapped in, and the article of a replaced one ("the United States said")
or of a seat of government ("the Kremlin") is dropped.
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass

from classifier.countries import CountryCatalog, default_catalog
from classifier.mentions import Mention, MentionFinder, default_finder

SWAP_FORMS = frozenset({"name", "short", "capital", "demonym"})
# Names that read wrongly without "the" in front ("Peru said" but "the Netherlands said").
_NEEDS_ARTICLE_WORDS = ("Republic", "United", "Islands", "Holy", "Congo", "Gambia")
# Lowercase words after which an abbreviation is the country itself, not an adjective: the verbs
# and function words that follow a subject or object ("the U.S. said", "the U.S. and China").
_NOUN_FOLLOWERS = frozenset(
    "said says say told warned urged called added argued insisted announced agreed rejected "
    "has have had is was were are will would could should can may might must did does do "
    "and or nor but to in on of for with as at by from that which who whose also itself".split()
)


@dataclass(frozen=True)
class Swap:
    """One swapped copy: the new text and development, and which country replaced which."""

    text: str
    development: str | None
    replaced: str
    by: str


@functools.lru_cache(maxsize=4)
def swap_targets(catalog: CountryCatalog) -> tuple[str, ...]:
    """The countries a swap may bring in: those with a canonical name that needs no article, a
    capital and an adjectival demonym. Computed once per catalogue, not once per sentence."""
    return tuple(
        country.name
        for country in catalog
        if country.aliases["capital"]
        and country.aliases["demonym"]
        and not _takes_article(country.name)
    )


def _takes_article(name: str) -> bool:
    return name.endswith("s") or any(word in name.split() for word in _NEEDS_ARTICLE_WORDS)


def swap_country(
    text: str,
    development: str | None,
    rng: random.Random,
    catalog: CountryCatalog | None = None,
    finder: MentionFinder | None = None,
) -> Swap | None:
    """A copy of `text` (and `development`) with one swappable country replaced by another that
    neither mentions, both drawn with `rng`; None when no country of `text` can be swapped."""
    catalog = catalog or default_catalog()
    finder = finder or default_finder()
    mentions = finder.find(text)
    dev_mentions = finder.find(development) if development else []
    swappable = sorted(
        {m.country for m in mentions}
        - {m.country for m in (*mentions, *dev_mentions) if not _swappable(m, catalog)}
    )
    if not swappable:
        return None
    replaced = rng.choice(swappable)
    present = {m.country for m in (*mentions, *dev_mentions)}
    candidates = [name for name in swap_targets(catalog) if name not in present]
    by = rng.choice(candidates)
    return Swap(
        text=_rewrite(text, mentions, replaced, by, catalog),
        development=_rewrite(development, dev_mentions, replaced, by, catalog) if development else development,
        replaced=replaced,
        by=by,
    )


def seeded_rng(key: str, seed: int = 0) -> random.Random:
    """A generator that depends only on `key` and `seed`, so that a file's swaps do not change
    when other lines are added or removed."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _swappable(mention: Mention, catalog: CountryCatalog) -> bool:
    if mention.form not in SWAP_FORMS:
        return False
    if mention.form == "demonym":  # only the adjective (listed first): "Iranian", not "Iranians"
        return mention.text == catalog[mention.country].aliases["demonym"][0]
    return True


def _replacement(mention: Mention, by: str, catalog: CountryCatalog, adjective: bool) -> str:
    aliases = catalog[by].aliases
    if mention.form == "capital":
        return aliases["capital"][0].removeprefix("the ")
    if mention.form == "demonym" or adjective:
        return aliases["demonym"][0]
    return by


def _is_abbreviation(text: str) -> bool:
    return text.replace(".", "").isupper()


def _rewrite(text: str, mentions: list[Mention], replaced: str, by: str, catalog: CountryCatalog) -> str:
    pieces, cursor = [], 0
    for mention in mentions:
        if mention.country != replaced:
            continue
        before = text[cursor : mention.start]
        # "the United States said" -> "Peru said", "the Kremlin said" -> "Lima said"; the article
        # stays before a demonym ("the Iranian side"), before a compound ("the China-Bhutan
        # talks") and where the replaced name takes none ("the Sweden-based firm" keeps its "the").
        after = text[mention.end : mention.end + 2]
        attributive = after[:1] == "-"
        # An abbreviation before a common noun is an adjective: "the U.S. plan" -> "the Omani plan";
        # before a verb or a function word it is the country: "the U.S. said" -> "Oman said".
        next_word = (text[mention.end :].split(maxsplit=1) or [""])[0]
        adjective = (
            _is_abbreviation(mention.text) and after[:1] == " " and next_word.islower()
            and next_word.strip(",.;:") not in _NOUN_FOLLOWERS
        )
        if not (attributive or adjective) and (
            mention.form == "capital" or (mention.form != "demonym" and _takes_article(replaced))
        ):
            for article in ("the ", "The "):
                if before.endswith(article):
                    before = before[: -len(article)]
                    break
        pieces += [before, _replacement(mention, by, catalog, adjective)]
        cursor = mention.end
    pieces.append(text[cursor:])
    return "".join(pieces)
