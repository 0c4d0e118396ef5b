"""Barcode parsing: GTIN-8, UPC-A, EAN-13 and GTIN-14 to one canonical 14-digit GTIN.

Check digits come from python-stdnum; the restricted-circulation ranges are GS1's (see DESIGN.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from ratings.errors import Invalid, Malformed

_ALLOWED = re.compile(r"[0-9 \-]*")
FORMATS = {8: "GTIN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}

# Three-digit GS1 prefixes (of the 13-digit form) that identify no brand: in-store numbers, coupons.
# The one definition: barcode lookups and the GS1 company prefix rule (ratings.rules) both use it.
RESTRICTED_PREFIXES = ((20, 29), (40, 49), (200, 299), (981, 984), (990, 999))


@dataclass(frozen=True)
class Barcode:
    input: str
    gtin: str  # canonical: 14 digits, zero-padded
    format: str

    @property
    def gtin13(self) -> str:
        """The 13-digit form that GS1 company prefixes are registered against."""
        return self.gtin[1:]


def parse_barcode(raw: str) -> Barcode:
    """Normalise a scanned or typed barcode; raise Malformed (why) or Invalid (restricted)."""
    text = raw.strip()
    if not _ALLOWED.fullmatch(text) or not text.isascii():
        raise Malformed(
            f"Barcode {raw!r} may contain only digits, spaces and hyphens.",
            code="invalid_barcode",
            errors={"reason": "non_digit"},
        )
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) not in FORMATS:
        raise Malformed(
            f"Barcode {raw!r} has {len(digits)} digits; a GTIN has 8, 12, 13 or 14.",
            code="invalid_barcode",
            errors={"reason": "length"},
        )
    try:
        ean.validate(digits)
    except InvalidChecksum:
        expected = ean.calc_check_digit(digits[:-1])
        raise Malformed(
            f"Barcode {raw!r} fails the GS1 check digit (last digit should be {expected}).",
            code="invalid_barcode",
            errors={"reason": "check_digit"},
        ) from None
    except (InvalidFormat, InvalidLength):  # pragma: no cover - screened above
        raise Malformed(f"Barcode {raw!r} is not a GTIN.", code="invalid_barcode", errors={"reason": "format"}) from None
    barcode = Barcode(input=raw, gtin=digits.zfill(14), format=FORMATS[len(digits)])
    _refuse_restricted(barcode)
    return barcode


def is_restricted(gtin: str) -> bool:
    """True for restricted-circulation numbers, whichever length the code was printed in."""
    if gtin.startswith("000000"):  # a GTIN-8, zero-padded
        return gtin[6] in "02"  # RCN-8
    return in_restricted_range(int(gtin[1:4]))


def in_restricted_range(first_three: int) -> bool:
    """True when the first three digits of a 13-digit GTIN (or GS1 prefix) are a restricted-circulation
    or coupon range."""
    return any(lo <= first_three <= hi for lo, hi in RESTRICTED_PREFIXES)


def _refuse_restricted(barcode: Barcode) -> None:
    if is_restricted(barcode.gtin):
        raise Invalid(
            f"Barcode {barcode.input!r} is a restricted-circulation number (an in-store or coupon code); "
            "it identifies no brand.",
            code="restricted_barcode",
        )
