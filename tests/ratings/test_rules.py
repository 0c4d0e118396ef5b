"""The one rules module: each rule returns the problems of a value, empty when it is fine."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ratings import barcodes, rules
from ratings.errors import Invalid, Malformed

STAGES = ("raw_materials", "inputs", "final_manufacturing")


@pytest.mark.parametrize("value", ["acme", "acme-textiles-2", "a" * 120])
def test_good_slugs_have_no_problems(value):
    assert rules.slug(value) == []


@pytest.mark.parametrize("value", ["Acme", "acme--x", "-acme", "acme_x", "", "a" * 121, None, 5, "acme\x00"])
def test_bad_slugs_are_refused(value):
    assert rules.slug(value)


@pytest.mark.parametrize("value", ["", "   ", "\t\n", None, 7, ["x"], "x" * 201, "ok\x00", "ok\ud800"])
def test_names_must_be_non_blank_text_that_fits_its_column(value):
    assert rules.name(value)


def test_names_may_carry_any_real_unicode_and_are_measured_after_trimming():
    assert rules.name("  Café Ørsted 株式会社  ") == []
    assert rules.name(" " + "x" * 200 + " ") == []
    assert rules.name("x" * 300, max_length=rules.PRODUCT_NAME_MAX) == []


@pytest.mark.parametrize("value", ["   ", "", "\u00a0\u2003"])
def test_whitespace_only_reasons_replies_and_comments_are_refused(value):
    assert rules.text(value) == ["must not be empty or only whitespace"]


def test_notes_may_be_blank_but_must_be_text():
    assert rules.note(None) == [] and rules.note("") == [] and rules.note("  ") == []
    assert rules.note({"a": 1}) == ["must be text"]
    assert rules.note(["a"]) == ["must be text"]
    assert rules.note("x" * (rules.TEXT_MAX + 1))


@pytest.mark.parametrize("value", ["5012345", "00718342", "471928305", "501234567890", "0123456"])
def test_gs1_prefixes_gs1_issues_are_accepted(value):
    assert rules.gs1_prefix(value) == []


@pytest.mark.parametrize(
    ("value", "why"),
    [("9638", "6 to 12"), ("12345", "6 to 12"), ("5012345678901", "6 to 12"), ("000000", "all zeros"),
     ("0000012", "00000"), ("0212345", "restricted"), ("0451234", "restricted"), ("2001234", "restricted"),
     ("2991234", "restricted"), ("9811234", "restricted"), ("9841234", "restricted"), ("9901234", "restricted"),
     ("9991234", "restricted"), ("50A1234", "digits"), ("５０１２３４５", "digits"), (5012345, "digits"), (None, "digits")],
)
def test_gs1_prefixes_of_lengths_gs1_does_not_issue_zeros_and_restricted_ranges_are_refused(value, why):
    problems = rules.gs1_prefix(value)
    assert problems and why in problems[0]


def test_the_prefix_rule_and_barcode_lookups_share_one_list_of_restricted_ranges():
    for low, high in barcodes.RESTRICTED_PREFIXES:
        for first_three in (low, high):
            assert rules.gs1_prefix(f"{first_three:03d}1234")
            assert barcodes.in_restricted_range(first_three)
    assert not barcodes.in_restricted_range(30) and rules.gs1_prefix("0301234") == []


@pytest.mark.parametrize("value", ["GB", "bd", " cn "])
def test_iso_countries_in_any_case_are_accepted(value):
    assert rules.country(value) == []
    assert rules.normal_country(value) == value.strip().upper()


@pytest.mark.parametrize("value", ["ZZ", "GBR", "G", "", "1A", None, 44, "Ｇ"])
def test_unknown_countries_are_refused(value):
    assert rules.country(value)


@pytest.mark.parametrize("value", ["https://www.example.org/report.pdf", "http://example.org", "HTTPS://EXAMPLE.ORG/x?y=1#z",
                                   "https://[2001:db8::1]:8443/a", "https://xn--caf-dma.example/"])
def test_http_and_https_addresses_are_accepted(value):
    assert rules.url(value) == []


@pytest.mark.parametrize("value", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
                                   "ftp://example.org/file", "see the annual report", "example.org/report", "https://",
                                   "https:///path", "https://exa mple.org", " https://example.org", "https://example.org/\x00",
                                   "https://example.org:port/", "//example.org/x", "https://example.org/" + "a" * 2000, None, 5])
def test_other_addresses_free_text_and_overlong_urls_are_refused(value):
    assert rules.url(value)


def test_urls_of_exactly_2000_characters_are_accepted():
    value = "https://example.org/" + "a" * (2000 - len("https://example.org/"))
    assert len(value) == 2000 and rules.url(value) == []


@pytest.mark.parametrize("value", ["ana@example.org", "Ana.Lyst+tag@Example.ORG", "ana@sub.example.co.uk"])
def test_well_formed_emails_are_accepted_without_dns(value):
    assert rules.email(value) == []


@pytest.mark.parametrize("value", ["ana", "@example.org", "ana@", "ana@@example.org", "ana @example.org", "ana@exa mple.org",
                                   "a@b", "ana@example..org", None, 3])
def test_malformed_emails_are_refused(value):
    assert rules.email(value)


@pytest.mark.parametrize("value", [True, False])
def test_booleans_must_be_real_booleans(value):
    assert rules.boolean(value) == []


@pytest.mark.parametrize("value", ["true", "yes", 1, 0, None, "false"])
def test_strings_numbers_and_null_are_not_booleans(value):
    assert rules.boolean(value) == ["must be true or false"]


@pytest.mark.parametrize(("cell", "expected"), [("true", True), ("Yes", True), ("1", True), ("FALSE", False), ("no", False),
                                                 ("0", False), (" yes ", True), ("maybe", "maybe")])
def test_csv_cells_become_booleans_at_the_csv_boundary_only(cell, expected):
    assert rules.csv_boolean(cell) == expected


@pytest.mark.parametrize("value", [2026.7, 2026.0, "2026", True, None, 1999, 2101, 2**70])
def test_cycle_years_are_whole_numbers_never_truncated(value):
    assert rules.year(value)


def test_a_year_such_as_2026_is_fine():
    assert rules.year(2026) == []


@pytest.mark.parametrize("value", [1.5, 1.0, True, "1", 2**63, -(2**63) - 1, None])
def test_integers_are_whole_64_bit_numbers(value):
    assert rules.integer(value)


def test_64_bit_bounds_are_inclusive():
    assert rules.integer(2**63 - 1) == [] and rules.integer(-(2**63)) == []


@pytest.mark.parametrize("value", ["2026-02-16", "2000-01-01"])
def test_iso_dates_are_accepted(value):
    assert rules.iso_date(value) == []


@pytest.mark.parametrize("value", ["2026-02-30", "16/02/2026", "2026-2-16", "2026-02-16T10:00", "3026-01-01", 20260216, None])
def test_other_dates_and_future_dates_are_refused(value):
    assert rules.iso_date(value)


def test_a_disclosed_sourcing_record_names_the_good_and_a_real_country():
    assert rules.sourcing_record({"stage": "inputs", "good": "Cotton", "country": "uz"}, STAGES) == {}
    assert rules.sourcing_record({"stage": "inputs", "disclosed": False}, STAGES) == {}
    problems = rules.sourcing_record({"stage": "retail", "good": "  ", "country": "ZZ"}, STAGES)
    assert set(problems) == {"stage", "good", "country"}
    assert set(rules.sourcing_record({"stage": "inputs"}, STAGES)) == {"good", "country"}


@pytest.mark.parametrize("disclosed", ["no", "false", 0, None, "yes"])
def test_disclosed_must_be_a_boolean_in_a_sourcing_record(disclosed):
    assert "disclosed" in rules.sourcing_record({"stage": "inputs", "good": "Wool", "country": "NO", "disclosed": disclosed}, STAGES)


def test_an_evidence_item_has_an_http_url_a_known_type_visibility_and_date():
    good = {"url": "https://example.org/a.pdf", "source_type": "company", "visibility": "confidential", "date": "2026-02-16",
            "note": "Supplied by the company"}
    assert rules.evidence_item(good) == {}
    bad = {"url": "javascript:alert(1)", "source_type": "rumour", "visibility": "secret", "date": "yesterday", "note": {"x": 1},
           "extra": 1}
    assert set(rules.evidence_item(bad)) == {"url", "source_type", "visibility", "date", "note", "extra"}
    assert rules.evidence_item("https://example.org") == {"item": ["must be an object with url and source_type"]}


def test_require_raises_invalid_with_the_field_errors():
    with pytest.raises(Invalid) as raised:
        rules.require(rules.url("javascript:alert(1)"), field="website", code="invalid_url", label="The website")
    assert raised.value.code == "invalid_url" and raised.value.errors == {"website": ["must be an http:// or https:// address"]}
    rules.require([], field="website", code="invalid_url")  # no problems, no error


def test_utf8_decoding_drops_a_bom_and_names_the_line_of_a_bad_byte():
    assert rules.decode_utf8("\ufeffslug,name\n".encode("utf-8")) == "slug,name\n"
    with pytest.raises(Malformed) as raised:
        rules.decode_utf8("slug,name\nacme,Acme\nbad,Caf".encode() + b"\xe9\n")
    assert raised.value.code == "not_utf8" and raised.value.errors == {"line": 3, "column": 8}
    assert "line 3" in raised.value.message


@given(st.text(max_size=50))
def test_rules_never_raise_on_any_text(value):
    for check in (rules.slug, rules.name, rules.country, rules.gs1_prefix, rules.url, rules.email, rules.iso_date, rules.text):
        assert isinstance(check(value), list)
