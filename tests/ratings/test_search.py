"""Brand search as properties: any input is safe, exact names and prefixes always find their brand."""

import numpy
from hypothesis import given, settings
from hypothesis import strategies as st

from rapidfuzz import fuzz, process

from ratings.search import MATCH_THRESHOLD, WORD_THRESHOLD, BrandEntry, BrandIndex, _Bounds, _ByLength, _Scored, normalise

NAMES = [["Café Solvane", "Cafe Solvane"], ["Tidewren", "Tide Wren"], ["Tidewren Kids"], ["Brightloam"], ["Brightloom"],
         ["Fern & Thistle", "Fern and Thistle"], ["Quillmere Noir"], ["QVX Audio"]]
INDEX = BrandIndex([BrandEntry(n, f"b{n}", names[0], "apparel" if n % 2 else "cocoa", n) for n, names in enumerate(NAMES)], NAMES)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_any_query_is_answered_without_error_and_without_duplicates(query):
    hits = INDEX.search(query)
    assert len({h.brand_id for h in hits}) == len(hits)


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(text):
    assert normalise(normalise(text)) == normalise(text)


@given(st.sampled_from([name for names in NAMES for name in names]), st.data())
def test_an_exact_name_or_any_prefix_of_it_finds_its_brand(name, data):
    owner = next(n for n, names in enumerate(NAMES) if name in names)
    assert INDEX.search(name)[0].brand_id == owner or normalise(INDEX.search(name)[0].name) == normalise(name)
    cut = data.draw(st.integers(min_value=3, max_value=len(name)))
    prefix = name[:cut]
    if normalise(prefix):
        assert owner in [h.brand_id for h in INDEX.search(prefix)]


def test_long_queries_do_not_match_short_names_by_accident():
    assert INDEX.search("x' OR 1=1; DROP TABLE brand; --") == []


def test_filters_apply_to_matches():
    assert {h.industry for h in INDEX.search("tidewren", industry="cocoa")} <= {"cocoa"}
    assert all(h.rank <= 2 for h in INDEX.search("b", max_rank=2))


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="abcde ", max_size=12), max_size=40), st.text(alphabet="abcde ", max_size=12),
       st.sampled_from([MATCH_THRESHOLD, WORD_THRESHOLD, 50, 99]))
def test_the_length_window_finds_what_a_similarity_search_over_every_string_finds(strings, query, cutoff):
    everything = process.extract(query, strings, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    assert _ByLength(strings).extract(query, cutoff) == [(index, score) for _, score, index in everything]


MADE = [["Merino crew jumper, charcoal", "Knitwear"], ["Organic cotton tee"], [], ["Wireless earbuds"], [],
        ["Linen shirt", "Knitted cardigan"], ["Dark chocolate 85%"], ["Studio monitor headphones"]]
MADE_INDEX = BrandIndex([BrandEntry(n, f"b{n}", names[0], "apparel", n) for n, names in enumerate(NAMES)], NAMES, MADE)


def test_brands_are_found_by_what_they_make():
    assert [h.brand_id for h in MADE_INDEX.search("jumper")] == [0]
    assert [h.brand_id for h in MADE_INDEX.search("jumpers")] == [0]  # a plural, typo-tolerant
    assert [h.brand_id for h in MADE_INDEX.search("knitwear")] == [0]
    assert {h.brand_id for h in MADE_INDEX.search("headphones")} == {7}
    assert [h.brand_id for h in MADE_INDEX.search("fern shirt")] == [5]  # a word of the name and a product word


def test_a_name_match_ranks_before_a_product_match():
    index = BrandIndex([BrandEntry(0, "jumper-co", "Jumper Co", None, 5), BrandEntry(1, "knits", "Knits", None, 0)],
                       [["Jumper Co"], ["Knits"]], [[], ["Wool jumper"]])
    assert [h.brand_id for h in index.search("jumper")] == [0, 1]


def test_product_sizes_and_short_words_are_not_indexed():
    assert MADE_INDEX.search("85") == [] or all(h.brand_id != 6 for h in MADE_INDEX.search("85"))


def test_a_name_in_more_words_than_typed_is_found_as_a_whole_name():
    assert INDEX.search("tidewrenkids")[0].brand_id == 2  # "Tidewren Kids": its first word is a prefix of the query
    assert INDEX.search("quillmerenoir")[0].brand_id == 6


@given(st.sampled_from(["tidewren", "cafe", "brightl", "fern thistle", "knitwear", "jumpers", "qvx"]))
def test_a_repeated_query_gets_the_same_answer(query):  # the per-index cache of similar words changes nothing
    fresh = BrandIndex(MADE_INDEX.entries, NAMES, MADE)
    assert [h.brand_id for h in fresh.search(query)] == [h.brand_id for h in fresh.search(query)] \
        == [h.brand_id for h in MADE_INDEX.search(query)]


@settings(max_examples=200)
@given(st.lists(st.dictionaries(st.integers(0, 30), st.sampled_from([80.0, 90.5, 100.0]), max_size=12), max_size=5))
def test_scores_held_in_numpy_follow_dict_updates_in_turn(parts):
    expected: dict[int, float] = {}
    for part in parts:
        expected.update(part)
    keys = numpy.array([key for part in parts for key in part], dtype=numpy.int32)
    scores = numpy.array([score for part in parts for score in part.values()], dtype=numpy.float64)
    scored = _Scored.last_wins(keys, scores)
    assert scored.as_dict() == expected and list(scored.keys) == sorted(expected)


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="abcde fz", max_size=14), min_size=1, max_size=30), st.text(alphabet="abcde fz", max_size=14),
       st.sampled_from([MATCH_THRESHOLD, WORD_THRESHOLD, 50]))
def test_the_bounds_rule_out_only_strings_that_cannot_reach_the_cutoff(strings, query, cutoff):
    kept = set(_Bounds(strings).may_reach(query, numpy.arange(len(strings)), cutoff).tolist())
    assert {i for i, s in enumerate(strings) if fuzz.ratio(query, s) >= cutoff} <= kept
