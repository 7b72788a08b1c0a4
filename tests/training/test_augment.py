import random

import pytest

from classifier.countries import default_catalog
from classifier.mentions import default_finder
from training.augment import seeded_rng, swap_country, swap_targets


def countries(text):
    return {m.country for m in default_finder().find(text)}


def swap_many(text, development=None, draws=20):
    return [swap_country(text, development, random.Random(k)) for k in range(draws)]


def test_a_swap_replaces_every_mention_of_one_country_and_keeps_the_others():
    text = "France backed the deal, Paris said, while Germany hesitated."
    for swap in swap_many(text):
        assert countries(swap.text) == {"France", "Germany"} - {swap.replaced} | {swap.by}
        assert swap.by not in {"France", "Germany"}


def test_a_swap_brings_in_the_new_countrys_name_capital_and_adjective():
    text = "France backed the deal, Paris said, and French officials agreed."
    swap = next(s for s in swap_many(text) if s.replaced == "France")
    aliases = default_catalog()[swap.by].aliases
    assert swap.text == (
        f"{swap.by} backed the deal, {aliases['capital'][0].removeprefix('the ')} said, "
        f"and {aliases['demonym'][0]} officials agreed."
    )


def test_a_swap_rewrites_the_development_with_the_sentence():
    swap = swap_country("Egypt rejected the plan.", "Egypt's dam plan", random.Random(0))
    assert swap.development == f"{swap.by}'s dam plan"


@pytest.mark.parametrize("text", [
    "Macron backed the deal.",  # a leader points at France whatever the name becomes
    "France and the French Foreign Ministry backed the deal.",  # so does a ministry
    "Americans protested, and the United States said so.",  # a plural demonym would need a plural
])
def test_a_country_also_mentioned_by_a_leader_body_or_plural_is_never_swapped(text):
    assert all(swap is None for swap in swap_many(text))


def test_a_sentence_without_a_country_has_no_swap():
    assert swap_country("The accord enters into force next month.", None, random.Random(0)) is None


def test_the_article_of_a_replaced_name_goes_and_that_of_a_compound_stays():
    text = "The United States said the China-Bhutan talks would go on."
    swaps = swap_many(text, draws=40)
    us = next(s for s in swaps if s.replaced == "United States")
    china = next(s for s in swaps if s.replaced == "China")
    assert us.text == f"{us.by} said the China-Bhutan talks would go on."
    assert china.text == f"The United States said the {china.by}-Bhutan talks would go on."


def test_countries_brought_in_need_no_article():
    targets = swap_targets(default_catalog())
    assert "Peru" in targets
    assert not {"Netherlands", "Philippines", "United Kingdom", "Czech Republic"} & set(targets)


def test_swaps_depend_only_on_the_sentence_id_and_the_seed():
    assert seeded_rng("p-1").random() == seeded_rng("p-1").random()
    assert seeded_rng("p-1").random() != seeded_rng("p-2").random()
    assert seeded_rng("p-1", seed=1).random() != seeded_rng("p-1").random()


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. plan was welcomed.", "The {adjective} plan was welcomed."),  # before a noun: the adjective
    ("The U.S. said the plan was welcome.", "{name} said the plan was welcome."),  # before a verb: the name
    ("The U.S. and China met.", "{name} and China met."),  # before a conjunction: the name
])
def test_an_abbreviation_becomes_an_adjective_only_before_a_noun(text, expected):
    swap = next(s for s in swap_many(text, draws=40) if s.replaced == "United States")
    adjective = default_catalog()[swap.by].aliases["demonym"][0]
    assert swap.text == expected.format(adjective=adjective, name=swap.by)
