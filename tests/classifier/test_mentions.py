from pathlib import Path

import pytest

from classifier.countries import CountryCatalog, default_catalog
from classifier.mentions import Mention, MentionFinder


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    return MentionFinder(default_catalog())


def found(finder: MentionFinder, text: str) -> list[tuple[str, str]]:
    """(country, surface text) of each mention, in order."""
    return [(m.country, m.text) for m in finder.find(text)]


def countries(finder: MentionFinder, text: str) -> set[str]:
    return {m.country for m in finder.find(text)}


# --- the result ------------------------------------------------------------------------------


def test_mentions_carry_country_text_offsets_and_form(finder):
    assert finder.find("Beijing banned Japanese seafood.") == [
        Mention("China", "Beijing", 0, 7, "capital"),
        Mention("Japan", "Japanese", 15, 23, "demonym"),
    ]


def test_mention_text_is_the_source_slice(finder):
    text = "Over 11,000 North Korean troops are in Kursk, Russia, Kurt Campbell told the State Department."
    for mention in finder.find(text):
        assert text[mention.start:mention.end] == mention.text


def test_mentions_are_sorted_by_start_and_do_not_overlap(finder):
    mentions = finder.find("The U.S., China, the UK and the Democratic Republic of the Congo met in Papua New Guinea.")
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


def test_text_without_countries_gives_no_mentions(finder):
    assert finder.find("") == []
    assert finder.find("The EU, NATO, Hamas and the Houthis issued statements.") == []


@pytest.mark.parametrize("name", default_catalog().names)
def test_every_canonical_name_is_found_in_a_sentence(finder, name):
    text = f"Officials in {name} said"
    assert finder.find(text) == [Mention(name, name, 13, 13 + len(name), "name")]


# --- longest match first ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Papua New Guinea signed.", [("Papua New Guinea", "Papua New Guinea")]),
        ("South Sudan objected.", [("South Sudan", "South Sudan")]),
        ("The Dominican Republic abstained.", [("Dominican Republic", "Dominican Republic")]),
        ("Guinea-Bissau voted yes.", [("Guinea-Bissau", "Guinea-Bissau")]),
        ("Equatorial Guinea voted no.", [("Equatorial Guinea", "Equatorial Guinea")]),
        ("Vladimir Putin spoke.", [("Russia", "Vladimir Putin")]),
        ("The Chinese Foreign Ministry declined to comment.", [("China", "Chinese Foreign Ministry")]),
    ],
)
def test_longest_string_wins(finder, text, expected):
    assert found(finder, text) == expected


def test_nigeria_and_niger_are_told_apart_at_word_boundaries(finder):
    assert found(finder, "Nigeria and Niger closed the border.") == [("Nigeria", "Nigeria"), ("Niger", "Niger")]


def test_sudan_and_dominica_alone_still_match(finder):
    assert found(finder, "Sudan and Dominica agreed.") == [("Sudan", "Sudan"), ("Dominica", "Dominica")]


def test_democratic_republic_of_the_congo_is_not_the_republic_of_the_congo(finder):
    assert found(finder, "Troops left the Democratic Republic of the Congo.") == [
        ("Democratic Republic of the Congo", "Democratic Republic of the Congo")
    ]


def test_republic_of_the_congo_is_found_by_its_own_names(finder):
    assert countries(finder, "The Republic of the Congo and Congo-Brazzaville are one.") == {"Republic of the Congo"}


def test_congo_alone_means_the_democratic_republic(finder):
    assert found(finder, "Congo accused Rwanda.") == [("Democratic Republic of the Congo", "Congo"), ("Rwanda", "Rwanda")]


# --- spelling and case -----------------------------------------------------------------------


def test_matching_is_case_sensitive(finder):
    assert finder.find("They ate turkey with china plates and a jordan almond.") == []


@pytest.mark.parametrize("text", ["China's response", "China’s response"])
def test_possessive_matches_the_name(finder, text):
    assert finder.find(text) == [Mention("China", "China", 0, 5, "name")]


def test_possessive_with_curly_apostrophe(finder):
    assert found(finder, "Russia’s forces") == [("Russia", "Russia")]


def test_hyphenated_pairs_match_both_countries(finder):
    assert found(finder, "the Russia-North Korea pact") == [("Russia", "Russia"), ("North Korea", "North Korea")]


def test_a_leading_the_is_not_part_of_the_mention(finder):
    assert finder.find("the Kremlin said") == [Mention("Russia", "Kremlin", 4, 11, "capital")]


def test_names_split_over_lines_match(finder):
    assert found(finder, "Kim Jong\nUn") == [("North Korea", "Kim Jong\nUn")]


def test_curly_apostrophes_inside_names_match(finder):
    assert found(finder, "the Korean People’s Army") == [("North Korea", "Korean People’s Army")]


def test_mention_inside_a_place_name_counts(finder):
    assert found(finder, "troops in Kursk, Russia") == [("Russia", "Russia")]


# --- forms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "form"),
    [
        ("the United States", "United States", "name"),
        ("the United States of America", "United States", "name"),
        ("the Russian Federation", "Russia", "name"),
        ("Türkiye", "Turkey", "short"),
        ("the Islamic Republic", "Iran", "short"),
        ("the U.S.", "United States", "short"),
        ("America", "United States", "short"),
        ("the UK", "United Kingdom", "short"),
        ("Britain", "United Kingdom", "short"),
        ("the DPRK", "North Korea", "short"),
        ("the ROK", "South Korea", "short"),
        ("the PRC", "China", "short"),
        ("the UAE", "United Arab Emirates", "short"),
        ("the DRC", "Democratic Republic of the Congo", "short"),
        ("Holland", "Netherlands", "short"),
        ("Chinese", "China", "demonym"),
        ("Americans", "United States", "demonym"),
        ("North Korean", "North Korea", "demonym"),
        ("South Korean", "South Korea", "demonym"),
        ("Pyongyang", "North Korea", "capital"),
        ("Seoul", "South Korea", "capital"),
        ("Beijing", "China", "capital"),
        ("Moscow", "Russia", "capital"),
        ("Washington", "United States", "capital"),
        ("State Department", "United States", "body"),
        ("Kim Jong Un", "North Korea", "leader"),
    ],
)
def test_each_alias_is_found_with_its_form(finder, text, country, form):
    (mention,) = finder.find(f"Officials cited {text} on Monday.")
    assert (mention.country, mention.form) == (country, form)


@pytest.mark.parametrize(
    ("seat", "country"),
    [
        ("the Kremlin", "Russia"),
        ("the White House", "United States"),
        ("Capitol Hill", "United States"),
        ("Downing Street", "United Kingdom"),
        ("Whitehall", "United Kingdom"),
        ("the Élysée", "France"),
        ("the Elysee", "France"),
        ("Zhongnanhai", "China"),
        ("the Blue House", "South Korea"),
        ("Yongsan", "South Korea"),
        ("Kasumigaseki", "Japan"),
        ("the Chancellery", "Germany"),
        ("Raisina Hill", "India"),
        ("South Block", "India"),
        ("Washington, D.C.", "United States"),
    ],
)
def test_capitals_and_seats_of_government_are_capital_mentions(finder, seat, country):
    (mention,) = finder.find(f"{seat} said on Monday")
    assert (mention.country, mention.form) == (country, "capital")


@pytest.mark.parametrize(
    ("leader", "country"),
    [
        ("Kim Jong Un", "North Korea"),
        ("Kim Jong-un", "North Korea"),
        ("Putin", "Russia"),
        ("Xi Jinping", "China"),
        ("Xi", "China"),
        ("Erdogan", "Turkey"),
        ("Erdoğan", "Turkey"),
        ("Netanyahu", "Israel"),
        ("Zelensky", "Ukraine"),
        ("Zelenskyy", "Ukraine"),
        ("Modi", "India"),
        ("Lavrov", "Russia"),
        ("Wang Yi", "China"),
        ("Shoigu", "Russia"),
        ("Belousov", "Russia"),
        ("Kishida", "Japan"),
        ("Ishiba", "Japan"),
        ("Yoon Suk Yeol", "South Korea"),
        ("Lee Jae-myung", "South Korea"),
        ("Macron", "France"),
        ("Scholz", "Germany"),
        ("Merz", "Germany"),
        ("Starmer", "United Kingdom"),
        ("Sunak", "United Kingdom"),
        ("Kurt Campbell", "United States"),
        ("John Kirby", "United States"),
        ("Mahmoud Abbas", "Palestine"),
        ("Pope Francis", "Holy See"),
    ],
)
def test_leaders_are_leader_mentions(finder, leader, country):
    (mention,) = finder.find(f"On Monday {leader} said")
    assert (mention.country, mention.text, mention.form) == (country, leader, "leader")


@pytest.mark.parametrize(
    ("body", "country"),
    [
        ("the Chinese Foreign Ministry", "China"),
        ("the Russian Defence Ministry", "Russia"),
        ("the Russian Defense Ministry", "Russia"),
        ("the State Department", "United States"),
        ("the Pentagon", "United States"),
        ("the Biden administration", "United States"),
        ("the Trump administration", "United States"),
        ("the Bundestag", "Germany"),
        ("the Indian Navy", "India"),
        ("the Quai d'Orsay", "France"),
        ("the IRGC", "Iran"),
        ("the Knesset", "Israel"),
        ("KCNA", "North Korea"),
    ],
)
def test_ministries_and_agencies_are_body_mentions(finder, body, country):
    (mention,) = finder.find(f"{body} said on Monday")
    assert (mention.country, mention.form) == (country, "body")


def test_titled_official_with_a_demonym_is_a_leader_mention(finder):
    assert finder.find("the Iranian president said") == [Mention("Iran", "Iranian president", 4, 21, "leader")]


def test_possessive_country_before_a_ministry_is_a_name_mention(finder):
    assert found(finder, "Russia's Foreign Ministry said") == [("Russia", "Russia")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Foreign Office said", []),
        ("Germany's Foreign Office said", [("Germany", "Germany")]),
        ("the British Foreign Office said", [("United Kingdom", "British Foreign Office")]),
        ("the Pakistani Foreign Office said", [("Pakistan", "Pakistani Foreign Office")]),
    ],
)
def test_the_foreign_office_needs_a_country_before_it(finder, text, expected):
    assert found(finder, text) == expected


def test_prefix_sino_is_china(finder):
    assert found(finder, "Sino-Russian ties") == [("China", "Sino"), ("Russia", "Russian")]


def test_king_abdullah_without_a_numeral_is_ambiguous(finder):
    assert found(finder, "King Abdullah met King Abdullah II.") == [("Jordan", "King Abdullah II")]


# --- strings that are never counted ----------------------------------------------------------


@pytest.mark.parametrize("text", ["Korea", "Korean officials", "the two Koreas", "the Korean Peninsula", "Koreans abroad"])
def test_korea_without_north_or_south_is_ambiguous(finder, text):
    assert finder.find(text) == []


def test_north_and_south_korean_are_told_apart(finder):
    assert found(finder, "North Korean troops and South Korean officials") == [
        ("North Korea", "North Korean"),
        ("South Korea", "South Korean"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "He flew to Atlanta, Georgia, on Monday.",
        "Georgia's governor signed the bill.",
        "Georgia’s secretary of state certified the result.",
        "a plant in Savannah, Georgia, U.S., was closed",
        "Officials in the state of Georgia said",
        "Georgia voters went to the polls.",
        "Georgia Republicans met.",
        "She studied at Georgia Tech.",
        "Trump did poorly in Georgia, Alabama and Texas.",
        "Georgia's 6th district",
    ],
)
def test_georgia_the_us_state_is_not_the_country(finder, text):
    assert "Georgia" not in countries(finder, text)


@pytest.mark.parametrize(
    "text",
    ["Tbilisi, Georgia", "Georgia's parliament passed the law.", "Russia invaded Georgia in 2008.", "Armenia, Azerbaijan and Georgia"],
)
def test_georgia_the_country_is_found(finder, text):
    assert "Georgia" in countries(finder, text)


@pytest.mark.parametrize(
    "text",
    ["Michael Jordan retired.", "Jordan Peterson spoke.", "Rep. Jim Jordan objected.", "Michael B. Jordan starred."],
)
def test_jordan_as_a_persons_name_is_not_the_country(finder, text):
    assert "Jordan" not in countries(finder, text)


@pytest.mark.parametrize("text", ["In Jordan, protesters gathered.", "Egypt and Jordan objected.", "Jordan's King Abdullah II said"])
def test_jordan_the_country_is_found(finder, text):
    assert "Jordan" in countries(finder, text)


@pytest.mark.parametrize(
    "text",
    ["They ate roast turkey.", "a Thanksgiving turkey", "Turkey sandwiches were served.", "the Thanksgiving Turkey", "Wild Turkey bourbon"],
)
def test_turkey_the_bird_is_not_the_country(finder, text):
    assert "Turkey" not in countries(finder, text)


def test_turkey_the_country_is_found(finder):
    assert countries(finder, "Turkey said it would veto the bid.") == {"Turkey"}


@pytest.mark.parametrize("text", ["Chad Smith played drums.", "Chad Wolf testified."])
def test_chad_as_a_given_name_is_not_the_country(finder, text):
    assert "Chad" not in countries(finder, text)


def test_chad_the_country_is_found(finder):
    assert countries(finder, "Chad's government and Chadian troops") == {"Chad"}


@pytest.mark.parametrize(
    "text",
    [
        "The Washington Post reported it.",
        "Washington State passed a law.",
        "a portrait of George Washington",
        "researchers at the University of Washington",
        "Denzel Washington starred.",
    ],
)
def test_washington_that_is_not_the_us_government(finder, text):
    assert "United States" not in countries(finder, text)


@pytest.mark.parametrize("text", ["Santa Fe, New Mexico", "New Mexico's governor", "the Gulf of Mexico"])
def test_new_mexico_and_the_gulf_are_not_mexico(finder, text):
    assert "Mexico" not in countries(finder, text)


@pytest.mark.parametrize("text", ["New Jersey voters", "a Jersey cow"])
def test_jersey_is_not_a_country(finder, text):
    assert finder.find(text) == []


def test_northern_ireland_is_not_ireland(finder):
    assert finder.find("Northern Ireland's first minister") == []


@pytest.mark.parametrize("text", ["Latin American leaders", "South American exports", "Central American migrants", "North American markets", "Latin America"])
def test_regional_americans_are_not_the_united_states(finder, text):
    assert finder.find(text) == []


@pytest.mark.parametrize("text", ["the Indian Ocean", "American Indian tribes", "West Indian cricket"])
def test_indian_ocean_and_american_indians_are_not_india(finder, text):
    assert finder.find(text) == []


def test_guinea_pig_is_not_guinea(finder):
    assert finder.find("Guinea pigs were tested.") == []


@pytest.mark.parametrize("text", ["the South China Sea", "the East China Sea", "the Taiwan Strait"])
def test_seas_named_after_a_country_are_not_the_country(finder, text):
    assert finder.find(text) == []


def test_niger_delta_is_neither_niger_nor_nigeria(finder):
    assert finder.find("militants in the Niger Delta") == []


def test_panama_canal_counts_as_panama(finder):
    assert found(finder, "ships crossed the Panama Canal") == [("Panama", "Panama")]


def test_us_dollar_amounts_are_not_the_united_states(finder):
    assert finder.find("a US$5 billion loan") == []


def test_treaties_named_after_a_capital_are_not_the_country(finder):
    assert finder.find("the Paris Agreement and the Minsk agreements") == []


# --- the data carries the rules --------------------------------------------------------------


def test_blockers_ambiguous_strings_and_context_rules_come_from_the_catalogue(tmp_path: Path):
    path = tmp_path / "countries.yaml"
    path.write_text(
        """\
ambiguous: [Fooish]
blockers: [Foo Sea]
countries:
  - name: Fooland
    iso: "FO"
    short: [Foo]
    not_followed_by: {Foo: ['\\s+bar']}
    not_preceded_by: {Foo: ['Mr\\s+']}
""",
        encoding="utf-8",
    )
    finder = MentionFinder(CountryCatalog.from_yaml(path))
    assert found(finder, "Foo, Fooland and Fooish ships in the Foo Sea; Foo bar; Mr Foo") == [
        ("Fooland", "Foo"),
        ("Fooland", "Fooland"),
    ]
