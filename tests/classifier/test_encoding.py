from classifier.encoding import encode_pair, marked_with_spans, window_around
from classifier.pairs import StancePair


def test_markers_wrap_every_mention_of_the_target():
    assert marked_with_spans("Beijing and China", ((0, 7), (12, 17)))[0] == "<< Beijing >> and << China >>"


def test_pair_encoding_leaves_the_sentence_untouched():
    pair = StancePair("Seoul objected.", "South Korea", ((0, 5),))
    encoded = encode_pair(pair, "pair", max_chars=500)
    assert (encoded.sentence, encoded.target, encoded.windowed) == ("Seoul objected.", "South Korea", False)


def test_markers_fall_back_to_the_plain_pair_without_spans():
    pair = StancePair("The deal was signed.", "France")
    assert encode_pair(pair, "markers", max_chars=500).sentence == "The deal was signed."


def test_a_long_sentence_is_cut_to_a_window_around_the_first_mention():
    text = "x " * 200 + "France objected." + " y" * 200
    start = text.index("France")
    cut, spans = window_around(text, ((start, start + 6),), max_chars=100)
    assert len(cut) == 100 and cut[spans[0][0] : spans[0][1]] == "France"


def test_a_windowed_pair_says_so():
    text = "word " * 300 + "Chile agreed."
    start = text.index("Chile")
    encoded = encode_pair(StancePair(text, "Chile", ((start, start + 5),)), "markers", max_chars=200)
    assert encoded.windowed and "<< Chile >>" in encoded.sentence


def test_shared_encoding_gives_the_sentence_alone_when_the_mentions_are_known():
    encoded = encode_pair(StancePair("Seoul objected.", "South Korea", ((0, 5),)), "shared", max_chars=500)
    assert (encoded.sentence, encoded.target, encoded.spans) == ("Seoul objected.", "", ((0, 5),))


def test_shared_encoding_names_the_target_when_no_mention_is_known():
    assert encode_pair(StancePair("The deal was signed.", "France"), "shared", max_chars=500).target == "France"


def test_shared_encoding_reads_the_development_as_the_second_segment():
    pair = StancePair("Seoul objected.", "South Korea", ((0, 5),), development="the defence pact")
    assert encode_pair(pair, "shared", max_chars=500, with_development=True).target == "the defence pact"


def test_the_development_follows_the_target_name_where_the_encoding_names_it():
    pair = StancePair("Seoul objected.", "South Korea", ((0, 5),), development="the defence pact")
    assert encode_pair(pair, "pair", max_chars=500, with_development=True).target == "South Korea | the defence pact"


def test_a_model_that_does_not_read_the_development_gets_the_same_input_with_or_without_one():
    with_one = StancePair("Seoul objected.", "South Korea", ((0, 5),), development="the defence pact")
    without = StancePair("Seoul objected.", "South Korea", ((0, 5),))
    assert encode_pair(with_one, "shared", max_chars=500) == encode_pair(without, "shared", max_chars=500)
