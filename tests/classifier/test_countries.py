import re
from pathlib import Path

import pytest

from classifier.errors import CatalogueError
from classifier.countries import FORMS, Country, CountryCatalog, default_catalog

# The 193 UN members plus Taiwan, Palestine, Kosovo and the Holy See: ISO code and canonical name.
CANONICAL_LIST = Path(__file__).resolve().parent / "canonical_countries.txt"

NEWSWORTHY = [
    "United States", "China", "Russia", "United Kingdom", "France", "Germany", "Japan", "South Korea",
    "North Korea", "India", "Pakistan", "Iran", "Israel", "Palestine", "Saudi Arabia", "United Arab Emirates",
    "Qatar", "Turkey", "Ukraine", "Poland", "Hungary", "Italy", "Spain", "Canada", "Australia", "Brazil",
    "Mexico", "Egypt", "South Africa", "Nigeria", "Ethiopia", "Taiwan", "Philippines", "Vietnam", "Indonesia",
    "Venezuela", "Syria", "Belarus", "Serbia", "Azerbaijan", "Armenia", "Afghanistan",
]


def canonical_list() -> dict[str, str]:
    pairs = (line.split(" ", 1) for line in CANONICAL_LIST.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name: iso for iso, name in pairs}


@pytest.fixture(scope="module")
def catalog() -> CountryCatalog:
    return default_catalog()


def write_catalog(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "countries.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped catalogue -------------------------------------------------------------------


def test_catalogue_holds_exactly_the_197_canonical_countries(catalog):
    assert len(catalog) == 197
    assert set(catalog.names) == set(canonical_list())


def test_catalogue_iso_codes_match_the_canonical_list(catalog):
    assert {name: catalog[name].iso for name in catalog.names} == canonical_list()


@pytest.mark.parametrize("name", ["Taiwan", "Palestine", "Kosovo", "Holy See"])
def test_catalogue_includes_states_outside_the_un_membership(catalog, name):
    assert name in catalog


def test_names_are_sorted_canonical_names(catalog):
    assert catalog.names == tuple(sorted(catalog.names))
    assert "United States" in catalog.names


def test_contains_knows_canonical_names_only(catalog):
    assert "China" in catalog
    assert "PRC" not in catalog
    assert "china" not in catalog


def test_getitem_returns_the_country_with_its_iso_code_and_aliases(catalog):
    country = catalog["United States"]
    assert isinstance(country, Country)
    assert country.iso == "US"
    assert set(country.aliases) == set(FORMS)
    assert "U.S." in country.aliases["short"]
    assert "the White House" in country.aliases["capital"]


def test_getitem_of_an_alias_raises_key_error_suggesting_the_canonical_name(catalog):
    with pytest.raises(KeyError, match=re.escape("'the U.S.' is not a canonical country name; did you mean 'United States'?")):
        catalog["the U.S."]


def test_canonical_name_is_the_first_name_form(catalog):
    for country in catalog:
        assert country.aliases["name"][0] == country.name


def test_countries_are_hashable(catalog):
    assert len({catalog["China"], catalog["China"], catalog["Japan"]}) == 2


@pytest.mark.parametrize("name", NEWSWORTHY)
def test_newsworthy_countries_list_several_leaders(catalog, name):
    assert len(catalog[name].aliases["leader"]) >= 4


def test_demonym_phrases_add_ministries_and_officials_for_every_demonym_adjective(catalog):
    assert "Chinese Foreign Ministry" in catalog["China"].aliases["body"]
    assert "Russian Defence Ministry" in catalog["Russia"].aliases["body"]
    assert "Russian Defense Ministry" in catalog["Russia"].aliases["body"]
    assert "Iranian president" in catalog["Iran"].aliases["leader"]


def test_default_catalog_is_loaded_once():
    assert default_catalog() is default_catalog()


def test_the_default_catalogue_is_the_one_shipped_in_the_package():
    assert Path(str(CountryCatalog.DEFAULT_RESOURCE)) == Path(__file__).resolve().parents[2] / "classifier" / "countries.yaml"


# --- canonical() -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["China", "North Korea", "Holy See", "Democratic Republic of the Congo"])
def test_canonical_returns_a_canonical_name_unchanged(catalog, name):
    assert catalog.canonical(name) == name


@pytest.mark.parametrize(("code", "name"), [("US", "United States"), ("GB", "United Kingdom"), ("gb", "United Kingdom"), ("XK", "Kosovo"), ("VA", "Holy See"), ("KP", "North Korea")])
def test_canonical_resolves_iso_codes(catalog, code, name):
    assert catalog.canonical(code) == name


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("the U.S.", "United States"),
        ("U.S.A.", "United States"),
        ("usa", "United States"),
        ("America", "United States"),
        ("the United States of America", "United States"),
        ("The Kremlin", "Russia"),
        ("UK", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("the DPRK", "North Korea"),
        ("ROK", "South Korea"),
        ("PRC", "China"),
        ("Türkiye", "Turkey"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Côte d’Ivoire", "Ivory Coast"),
        ("the DRC", "Democratic Republic of the Congo"),
        ("Congo-Brazzaville", "Republic of the Congo"),
        ("Burma", "Myanmar"),
        ("the Vatican", "Holy See"),
        ("Kim Jong Un", "North Korea"),
        ("chinese foreign ministry", "China"),
        ("  the   White House ", "United States"),
    ],
)
def test_canonical_resolves_aliases_ignoring_case_dots_and_a_leading_the(catalog, alias, name):
    assert catalog.canonical(alias) == name


@pytest.mark.parametrize("text", ["Atlantis", "Korea", "the Koreas", "", "Foreign Ministry"])
def test_canonical_returns_none_for_unknown_or_ambiguous_strings(catalog, text):
    assert catalog.canonical(text) is None


# --- loading and its errors ------------------------------------------------------------------

MINIMAL = """\
countries:
  - name: France
    iso: "FR"
    demonyms: [French]
    capitals: [Paris, the Élysée]
  - name: Germany
    iso: "DE"
    demonyms: [German]
"""


def test_from_yaml_loads_a_given_file(tmp_path):
    catalog = CountryCatalog.from_yaml(write_catalog(tmp_path, MINIMAL))
    assert catalog.names == ("France", "Germany")
    assert catalog["France"].aliases["capital"] == ("Paris", "the Élysée")
    assert catalog.canonical("Elysée") is None
    assert catalog.canonical("élysée") == "France"


def test_from_yaml_accepts_a_string_path(tmp_path):
    assert len(CountryCatalog.from_yaml(str(write_catalog(tmp_path, MINIMAL)))) == 2


def test_demonym_phrases_are_built_from_the_first_demonym(tmp_path):
    text = "demonym_phrases:\n  body: [Foreign Ministry]\n" + MINIMAL
    catalog = CountryCatalog.from_yaml(write_catalog(tmp_path, text))
    assert catalog["France"].aliases["body"] == ("French Foreign Ministry",)


def test_duplicate_canonical_name_is_refused(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + '  - name: France\n    iso: "FX"\n')
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[2] (France): duplicate canonical name 'France'")):
        CountryCatalog.from_yaml(path)


def test_duplicate_iso_code_is_refused(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + '  - name: Gaul\n    iso: "FR"\n')
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[2] (Gaul): ISO code 'FR' is already used by France")):
        CountryCatalog.from_yaml(path)


def test_alias_claimed_by_two_countries_is_refused(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + "    capitals: [Paris]\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[1] (Germany): 'Paris' is already claimed by France (as 'Paris')")):
        CountryCatalog.from_yaml(path)


def test_aliases_clash_ignoring_case_dots_and_the(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + "    capitals: [the ÉLYSÉE]\n")
    with pytest.raises(CatalogueError, match=re.escape("'the ÉLYSÉE' is already claimed by France (as 'the Élysée')")):
        CountryCatalog.from_yaml(path)


def test_alias_listed_as_ambiguous_is_refused(tmp_path):
    path = write_catalog(tmp_path, "ambiguous: [Gaul]\n" + MINIMAL + "    short: [Gaul]\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[1] (Germany): 'Gaul' is already claimed by 'ambiguous'")):
        CountryCatalog.from_yaml(path)


def test_unknown_country_key_is_refused(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + "    capital: [Berlin]\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[1] (Germany): unknown key 'capital'; expected one of name, iso, name_forms")):
        CountryCatalog.from_yaml(path)


def test_unknown_top_level_key_is_refused(tmp_path):
    path = write_catalog(tmp_path, "blocker: [Foo]\n" + MINIMAL)
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: top level: unknown key 'blocker'; expected one of countries, demonym_phrases, ambiguous, blockers")):
        CountryCatalog.from_yaml(path)


def test_missing_iso_is_refused(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + "  - name: Gaul\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[2] (Gaul): 'iso' must be a two-letter upper-case ISO 3166-1 code, got None")):
        CountryCatalog.from_yaml(path)


def test_alias_list_must_hold_strings(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + "    leaders: Scholz\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[1] (Germany) leaders: expected a list of non-empty strings, got 'Scholz'")):
        CountryCatalog.from_yaml(path)


def test_context_rule_for_a_string_that_is_not_an_alias_is_refused(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + "    not_followed_by: {Prussia: ['x']}\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[1] (Germany) not_followed_by: 'Prussia' is not one of this country's aliases")):
        CountryCatalog.from_yaml(path)


def test_invalid_context_regex_is_refused(tmp_path):
    path = write_catalog(tmp_path, MINIMAL + "    not_followed_by: {German: ['(']}\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: countries[1] (Germany) not_followed_by['German']: invalid regular expression '('")):
        CountryCatalog.from_yaml(path)


def test_a_file_without_a_countries_list_is_refused(tmp_path):
    path = write_catalog(tmp_path, "- France\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: top level: expected a mapping with a 'countries' list")):
        CountryCatalog.from_yaml(path)


def test_invalid_yaml_is_refused(tmp_path):
    path = write_catalog(tmp_path, "countries: [\n")
    with pytest.raises(CatalogueError, match=re.escape(f"{path}: not valid YAML")):
        CountryCatalog.from_yaml(path)
