from pathlib import Path

import pytest

from classifier.sentences import Sentence, split_sentences

# The seed articles live in the shared folder beside the repository.
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))


def texts(source: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(source)]


def test_splits_plain_sentences_on_full_stops():
    assert texts("Russia signed the pact. North Korea ratified it.") == [
        "Russia signed the pact.",
        "North Korea ratified it.",
    ]


def test_returns_sentences_with_offsets_into_the_source():
    source = "  Russia signed.  Korea agreed. "
    assert split_sentences(source) == [
        Sentence("Russia signed.", 2, 16),
        Sentence("Korea agreed.", 18, 31),
    ]


@pytest.mark.parametrize("abbreviation", ["U.S.", "U.N.", "U.K.", "E.U."])
def test_keeps_country_acronyms_mid_sentence(abbreviation):
    source = f"The {abbreviation} Security Council met on Monday. It adjourned."
    assert texts(source) == [
        f"The {abbreviation} Security Council met on Monday.",
        "It adjourned.",
    ]


def test_keeps_acronym_before_lowercase_word():
    assert texts("Kurt Campbell, the U.S. deputy secretary of state, spoke.") == [
        "Kurt Campbell, the U.S. deputy secretary of state, spoke."
    ]


@pytest.mark.parametrize(
    "title", ["Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Col.", "Sen.", "Rep.", "Gov.", "Prof."]
)
def test_keeps_titles_before_names(title):
    assert texts(f"Officials met {title} Smith on Monday. He declined to comment.") == [
        f"Officials met {title} Smith on Monday.",
        "He declined to comment.",
    ]


def test_keeps_title_even_before_a_sentence_starter_word():
    # "Gen. The" cannot end a sentence: a title always introduces a name.
    assert texts("He thanked Gen. The Hon. Smith.") == ["He thanked Gen. The Hon. Smith."]


def test_keeps_saint_and_junior_mid_sentence():
    assert texts("They met at St. Petersburg with Martin Luther King Jr. Day guests.") == [
        "They met at St. Petersburg with Martin Luther King Jr. Day guests."
    ]


def test_keeps_number_abbreviation_before_digit():
    assert texts("Resolution No. 3 was adopted. It passed.") == [
        "Resolution No. 3 was adopted.",
        "It passed.",
    ]


def test_keeps_versus_mid_sentence():
    assert texts("It is Russia vs. Ukraine in the hall.") == ["It is Russia vs. Ukraine in the hall."]


def test_keeps_etc_before_lowercase_continuation():
    assert texts("Tanks, drones, etc. were shipped to the front.") == [
        "Tanks, drones, etc. were shipped to the front."
    ]


def test_splits_after_etc_that_ends_a_sentence():
    assert texts("They sent tanks, drones, etc. The shipments continued.") == [
        "They sent tanks, drones, etc.",
        "The shipments continued.",
    ]


@pytest.mark.parametrize(
    "month",
    ["Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec."],
)
def test_keeps_month_abbreviations_before_day(month):
    assert texts(f"The pact was signed on {month} 19 in Pyongyang. It took effect later.") == [
        f"The pact was signed on {month} 19 in Pyongyang.",
        "It took effect later.",
    ]


def test_keeps_middle_initial():
    assert texts("John F. Kennedy met Khrushchev in Vienna. Talks failed.") == [
        "John F. Kennedy met Khrushchev in Vienna.",
        "Talks failed.",
    ]


def test_keeps_run_of_initials():
    assert texts("J. R. R. Tolkien wrote it. A film followed.") == [
        "J. R. R. Tolkien wrote it.",
        "A film followed.",
    ]


def test_keeps_initial_before_a_word_that_could_start_a_sentence():
    # "A." is an initial, not the article "A" opening a new sentence.
    assert texts("Author J. A. Smith wrote it.") == ["Author J. A. Smith wrote it."]


def test_keeps_decimals_money_and_versions():
    source = "Growth hit 3.5 percent and aid reached $1.2 billion in v2.0 of the plan. Markets rose."
    assert texts(source) == [
        "Growth hit 3.5 percent and aid reached $1.2 billion in v2.0 of the plan.",
        "Markets rose.",
    ]


def test_keeps_ellipsis_before_lowercase_word():
    assert texts("He paused... and then signed the treaty.") == [
        "He paused... and then signed the treaty."
    ]


def test_splits_after_ellipsis_before_capitalised_word():
    assert texts("The talks dragged on... The treaty was signed anyway.") == [
        "The talks dragged on...",
        "The treaty was signed anyway.",
    ]


def test_splits_after_unicode_ellipsis():
    assert texts("The talks dragged on… Moscow signed anyway.") == [
        "The talks dragged on…",
        "Moscow signed anyway.",
    ]


def test_keeps_straight_closing_quote_with_its_sentence():
    assert texts('"It is a breakthrough," he said. "Next steps follow."') == [
        '"It is a breakthrough," he said.',
        '"Next steps follow."',
    ]


def test_keeps_quote_after_full_stop_with_its_sentence():
    assert texts('The pact "must be abided by." Next, Kirby left.') == [
        'The pact "must be abided by."',
        "Next, Kirby left.",
    ]


def test_keeps_curly_double_quote_after_full_stop():
    assert texts("Kirby said it was “of concern.” China said nothing.") == [
        "Kirby said it was “of concern.”",
        "China said nothing.",
    ]


def test_keeps_curly_single_quote_after_full_stop():
    assert texts("China may be the ‘biggest loser.’ Experts agree.") == [
        "China may be the ‘biggest loser.’",
        "Experts agree.",
    ]


def test_keeps_nested_closing_quotes_together():
    source = "“Kirby said the pact “should be of concern.”” Next came Seoul."
    assert texts(source) == ["“Kirby said the pact “should be of concern.””", "Next came Seoul."]


def test_splits_on_question_and_exclamation_marks():
    assert texts("Is East Asia on alert? Yes! Officials say so.") == [
        "Is East Asia on alert?",
        "Yes!",
        "Officials say so.",
    ]


def test_keeps_question_inside_quote_before_lowercase_attribution():
    assert texts('"Why now?" she asked. He shrugged.') == ['"Why now?" she asked.', "He shrugged."]


@pytest.mark.parametrize("marker", ["•", "-", "*", "1."])
def test_makes_each_bullet_item_a_sentence_without_its_marker(marker):
    source = f"At a Glance\n\n  {marker} China has not taken a stance\n  {marker} The U.S. is concerned\n"
    assert texts(source) == ["At a Glance", "China has not taken a stance", "The U.S. is concerned"]


def test_bullet_offsets_exclude_the_marker():
    source = "• China is silent\n"
    [sentence] = split_sentences(source)
    assert (sentence.start, sentence.end) == (2, 17)


def test_heading_before_blank_line_is_its_own_sentence():
    assert texts("U.S. Concerns and Strategic Maneuvers\n\nThe United States is concerned.") == [
        "U.S. Concerns and Strategic Maneuvers",
        "The United States is concerned.",
    ]


def test_heading_before_single_newline_is_its_own_sentence():
    assert texts("Regional Power Shifts\nChina is losing influence.") == [
        "Regional Power Shifts",
        "China is losing influence.",
    ]


def test_line_break_ends_a_sentence_even_after_an_abbreviation():
    assert texts("Troops were sent by the U.S.\nOfficials confirmed it.") == [
        "Troops were sent by the U.S.",
        "Officials confirmed it.",
    ]


def test_joins_hard_wrapped_line_that_starts_lowercase():
    assert texts("The pact has raised\nalarms in Washington and\nconcern in Seoul.") == [
        "The pact has raised\nalarms in Washington and\nconcern in Seoul."
    ]


def test_tolerates_runs_of_whitespace():
    source = "Russia  signed.\t\t  North Korea agreed.\n\n\n\n   China waited.   "
    assert texts(source) == ["Russia  signed.", "North Korea agreed.", "China waited."]


def test_splits_when_abbreviation_ends_sentence_before_starter_word():
    assert texts("The deal was backed by the U.S. The treaty was signed later.") == [
        "The deal was backed by the U.S.",
        "The treaty was signed later.",
    ]


def test_keeps_abbreviation_before_capitalised_proper_noun():
    # "Senate" is not a common sentence opener, so "U.S." stays mid-sentence.
    assert texts("The U.S. Senate voted. It passed.") == ["The U.S. Senate voted.", "It passed."]


def test_splits_when_abbreviation_is_followed_by_closing_quote():
    assert texts('He blamed "the U.S." Moscow agreed.') == ['He blamed "the U.S."', "Moscow agreed."]


def test_splits_when_abbreviation_is_followed_by_opening_quote():
    assert texts('He blamed the U.S. "We disagree," Moscow said.') == [
        "He blamed the U.S.",
        '"We disagree," Moscow said.',
    ]


@pytest.mark.parametrize("source", ["", "   \n\n\t ", "•\n- \n***\n...", "\n\n  \n"])
def test_never_returns_empty_sentences(source):
    assert split_sentences(source) == []


def test_no_sentence_is_blank_in_mixed_input():
    source = "Title\n\n•  \n  * Item one\n\nBody text. More text!\n\n"
    assert all(sentence.text.strip() for sentence in split_sentences(source))


@pytest.mark.skipif(not SEED_FILES, reason=f"no seed articles in {SEEDS_DIR}")
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.name)
def test_offsets_match_source_for_seed_articles(path):
    source = path.read_text(encoding="utf-8")
    sentences = split_sentences(source)
    assert sentences
    for sentence in sentences:
        assert source[sentence.start:sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text


@pytest.mark.skipif(not SEED_FILES, reason=f"no seed articles in {SEEDS_DIR}")
def test_splits_first_seed_article_into_expected_count():
    # 2 titles, a standfirst, "At a Glance", 5 bullets, 4 headings, 28 body sentences.
    source = SEED_FILES[0].read_text(encoding="utf-8")
    assert len(split_sentences(source)) == 41
