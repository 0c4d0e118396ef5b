"""The Barcodes contract: every printed form of one GTIN normalises to the same 14 digits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from ratings.barcodes import is_restricted, parse_barcode
from ratings.errors import Invalid, Malformed


@pytest.mark.parametrize(
    "printed",
    ["012345678905", "0012345678905", "00012345678905", "0 12345 67890 5", "0-12345-67890-5", "  012345678905\t"],
)
def test_every_form_of_a_upc_normalises_to_one_gtin(printed):
    assert parse_barcode(printed).gtin == "00012345678905"


def test_ean8_is_zero_padded_to_fourteen_digits():
    barcode = parse_barcode("96385074")
    assert (barcode.gtin, barcode.format) == ("00000096385074", "GTIN-8")


@pytest.mark.parametrize(
    ("printed", "reason"),
    [
        ("40063813339x1", "non_digit"),
        ("4006381333931;DROP", "non_digit"),
        ("４００６３８１３３３９３１", "non_digit"),  # full-width digits are not ASCII
        ("1234567", "length"),
        ("123456789012345", "length"),
        ("", "length"),
        ("4006381333932", "check_digit"),
    ],
)
def test_malformed_barcodes_say_why(printed, reason):
    with pytest.raises(Malformed) as raised:
        parse_barcode(printed)
    assert raised.value.code == "invalid_barcode"
    assert raised.value.errors == {"reason": reason}


def test_check_digit_error_names_the_expected_digit():
    with pytest.raises(Malformed, match="should be 1"):
        parse_barcode("4006381333932")


@pytest.mark.parametrize(
    "body",
    ["020123456789", "049999999999", "200000000001", "299999999999", "981000000000", "984000000000", "990000000000", "999999999999"],
)
def test_restricted_circulation_gtin13_ranges_are_refused(body):
    code = body + str(ean.calc_check_digit(body))
    with pytest.raises(Invalid) as raised:
        parse_barcode(code)
    assert raised.value.code == "restricted_barcode"


@pytest.mark.parametrize("body", ["0123456", "2123456"])
def test_rcn8_codes_are_refused_in_any_length(body):
    code = body + str(ean.calc_check_digit(body))
    for printed in (code, code.zfill(13), code.zfill(14)):
        with pytest.raises(Invalid):
            parse_barcode(printed)


@pytest.mark.parametrize("body", ["019999999999", "050000000000", "300000000000", "980999999999", "985000000000"])
def test_neighbours_of_restricted_ranges_are_accepted(body):
    code = body + str(ean.calc_check_digit(body))
    assert parse_barcode(code).gtin == code.zfill(14)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_valid_ean13_round_trips_through_every_printed_form(body):
    code = body + str(ean.calc_check_digit(body))
    if is_restricted(code.zfill(14)):
        return
    forms = {code, code.zfill(14), f"{code[:1]} {code[1:7]} {code[7:]}", "-".join(code)}
    assert {parse_barcode(form).gtin for form in forms} == {code.zfill(14)}


@given(st.text(max_size=30))
def test_arbitrary_text_either_parses_or_raises_a_domain_error(text):
    try:
        barcode = parse_barcode(text)
    except (Malformed, Invalid):
        return
    assert len(barcode.gtin) == 14 and barcode.gtin.isdigit()
