"""The rules of valid values, in one place: services, API schemas and the importer all call these.

Each rule is a small function that returns the problems of a value: a list of sentences a person can
act on, empty when the value is fine. Services turn problems into `Invalid` (`require`), the importer
collects them with row locations, and the API's marshmallow schemas turn them into field errors
(`api.manage.schemas.rule`). None of them touches the database or normalises anything; the
`normal_*` helpers give the one stored spelling of a value that passed its rule.

Rules for records (`sourcing_record`, `evidence_item`) return `{field: [problems]}`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Iterable
from urllib.parse import urlsplit

import pycountry
from email_validator import EmailNotValidError, validate_email

from ratings.barcodes import in_restricted_range
from ratings.errors import Invalid, Malformed

Problems = list[str]

# Column sizes of ratings/models.py: a value that passes its rule always fits its column.
SLUG_MAX = 120
NAME_MAX = 200
PRODUCT_NAME_MAX = 300
GOOD_MAX = 200
STAGE_MAX = 40
TEXT_MAX = 5000  # comments, reasons, replies, notes
URL_MAX = 2000
EMAIL_MAX = 320
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
GS1_PREFIX_LENGTHS = range(6, 13)  # GS1 company prefixes: 6 to 12 digits of the 13-digit form

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HOST = re.compile(r"[A-Za-z0-9.\-\[\]:_~%]+")  # a host name, IPv4, or bracketed IPv6 (with port)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- text -----------------------------------------------------------------------------------------

def characters(value: str) -> Problems:
    """Text that every store and every client can hold: no NUL characters, no lone surrogates."""
    problems = []
    if "\x00" in value:
        problems.append("must not contain NUL characters")
    if any("\ud800" <= c <= "\udfff" for c in value):
        problems.append("must be valid Unicode text (it holds a lone surrogate)")
    return problems


def decode_utf8(data: bytes, *, source: str = "The file") -> str:
    """Bytes as UTF-8 text (a leading byte-order mark is dropped); Malformed naming the line and
    column of the first byte that is not UTF-8, instead of storing U+FFFD replacement characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise Malformed(
            f"{source} is not UTF-8 text: line {line}, column {column} holds byte 0x{data[error.start]:02x}. "
            "Save it as UTF-8 and try again.",
            code="not_utf8",
            errors={"line": line, "column": column},
        ) from None


def text(value: Any, *, max_length: int = TEXT_MAX, required: bool = True, allow_blank: bool = False) -> Problems:
    """Non-blank text up to `max_length` characters (after trimming); None is fine when not required.
    `allow_blank` for working notes, which may be empty; names, reasons, replies and comments may not."""
    if value is None:
        return ["is required"] if required else []
    if not isinstance(value, str):
        return ["must be text"]
    problems = characters(value)
    stripped = value.strip()
    if not stripped and not allow_blank:
        problems.append("must not be empty or only whitespace")
    elif len(stripped) > max_length:
        problems.append(f"must have at most {max_length} characters (has {len(stripped)})")
    return problems


def note(value: Any) -> Problems:
    """An optional working note (an analyst's, or an evidence item's): text, possibly empty."""
    return text(value, required=False, allow_blank=True)


def name(value: Any, *, max_length: int = NAME_MAX) -> Problems:
    """A name of an industry, company, brand or product: 1 to `max_length` characters, not blank."""
    return text(value, max_length=max_length)


def slug(value: Any) -> Problems:
    if not isinstance(value, str):
        return ["must be text"]
    if not _SLUG.fullmatch(value):
        return ["must be lowercase letters, digits and single hyphens"]
    if len(value) > SLUG_MAX:
        return [f"must have at most {SLUG_MAX} characters"]
    return []


# --- codes ----------------------------------------------------------------------------------------

def country(value: Any) -> Problems:
    """An ISO 3166-1 alpha-2 code, any case ('bd' is stored as 'BD')."""
    if not isinstance(value, str):
        return ["must be an ISO 3166-1 alpha-2 code such as 'BD'"]
    code = value.strip()
    if len(code) != 2 or not code.isascii() or not code.isalpha() or pycountry.countries.get(alpha_2=code.upper()) is None:
        return [f"{value!r} is not an ISO 3166-1 alpha-2 country code such as 'BD'"]
    return []


def normal_country(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def gs1_prefix(value: Any) -> Problems:
    """A GS1 company prefix as digits of the 13-digit GTIN form (a UPC company prefix keeps its leading 0).

    GS1 issues company prefixes of 6 to 12 digits. Refused: all zeros; five leading zeros (that space
    holds zero-padded GTIN-8 codes, which no company prefix covers); and prefixes inside the
    restricted-circulation and coupon ranges of `ratings.barcodes` (020-029, 040-049, 200-299,
    981-984, 990-999), which identify no company.
    """
    if not isinstance(value, str):
        return ["must be text of digits"]
    digits = value.strip()
    if not digits.isascii() or not digits.isdigit():
        return ["must be digits only"]
    if len(digits) not in GS1_PREFIX_LENGTHS:
        return [f"must have {GS1_PREFIX_LENGTHS.start} to {GS1_PREFIX_LENGTHS.stop - 1} digits (GS1 issues no other length); has {len(digits)}"]
    if set(digits) == {"0"}:
        return ["must not be all zeros"]
    if digits.startswith("00000"):
        return ["must not start with 00000 (zero-padded GTIN-8 codes, no company prefix)"]
    if in_restricted_range(int(digits[:3])):
        return [f"{digits[:3]} is a restricted-circulation or coupon range; it identifies no company"]
    return []


# --- addresses ------------------------------------------------------------------------------------

def url(value: Any, *, max_length: int = URL_MAX) -> Problems:
    """An absolute http(s) address with a host, at most `max_length` characters."""
    if not isinstance(value, str):
        return ["must be an http(s) address"]
    if len(value) > max_length:
        return [f"must have at most {max_length} characters (has {len(value)})"]
    problems = characters(value)
    if problems:
        return problems
    if value != value.strip() or _CONTROL.search(value) or " " in value:
        return ["must not contain spaces or control characters"]
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return [f"{value[:80]!r} is not a valid address"]
    if parts.scheme.lower() not in ("http", "https"):
        return ["must be an http:// or https:// address"]
    if not parts.hostname or not _HOST.fullmatch(parts.netloc.rpartition("@")[2]):
        return ["must name a host, as in https://example.org/report.pdf"]
    return []


def email(value: Any) -> Problems:
    """A syntactically valid email address (no DNS lookup: creating a user must not depend on the network)."""
    if not isinstance(value, str):
        return ["must be an email address"]
    if len(value.strip()) > EMAIL_MAX:
        return [f"must have at most {EMAIL_MAX} characters"]
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        return [f"is not an email address: {error}"]
    return []


def normal_email(value: str) -> str:
    return value.strip().lower()


# --- numbers, booleans, dates ---------------------------------------------------------------------

def integer(value: Any, *, minimum: int = INT64_MIN, maximum: int = INT64_MAX) -> Problems:
    """A whole number (never a bool, never 2026.7 or 1.0 taken for 2026 or 1), within 64 bits by default."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ["must be a whole number"]
    if not minimum <= value <= maximum:
        return [f"must be from {minimum} to {maximum}"]
    return []


def year(value: Any) -> Problems:
    """A cycle year such as 2026."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ["must be a whole year such as 2026"]
    return integer(value, minimum=YEAR_MIN, maximum=YEAR_MAX)


def boolean(value: Any) -> Problems:
    """A real boolean: true or false (not "yes", 1 or null)."""
    return [] if isinstance(value, bool) else ["must be true or false"]


_CSV_TRUE, _CSV_FALSE = ("true", "yes", "1"), ("false", "no", "0")


def csv_boolean(cell: str) -> bool | str:
    """A CSV cell as a boolean (true/false, yes/no, 1/0, any case); other text is returned as it is,
    for `boolean` to refuse. Only the CSV reader calls this: JSON has real booleans."""
    lowered = cell.strip().lower()
    if lowered in _CSV_TRUE:
        return True
    if lowered in _CSV_FALSE:
        return False
    return cell


def iso_date(value: Any) -> Problems:
    """A calendar date as YYYY-MM-DD, not in the future."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return ["must be a date as YYYY-MM-DD"]
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return [f"{value!r} is not a calendar date"]
    if day > dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1):
        return ["must not be in the future"]
    return []


def finite_number(value: Any) -> Problems:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        return ["must be a number"]
    return []


# --- records --------------------------------------------------------------------------------------

def sourcing_record(record: Any, stages: Iterable[str]) -> dict[str, Problems]:
    """Where one stage of a supply chain happens: {stage, good, country, disclosed}.

    A disclosed record (the default) names the good and the country; `disclosed: false` records that
    the company keeps the stage hidden and needs neither.
    """
    if not isinstance(record, dict):
        return {"record": ["must be an object with stage, good, country and disclosed"]}
    stages = set(stages)
    problems: dict[str, Problems] = {}
    stage = record.get("stage")
    if stage not in stages:
        problems["stage"] = [f"unknown stage {stage!r}; use one of {', '.join(sorted(stages))}"]
    disclosed = record.get("disclosed", True)
    if boolean(disclosed):
        problems["disclosed"] = boolean(disclosed)
    elif disclosed:
        if record.get("good") is None:
            problems["good"] = ["a disclosed record names the good sourced at this stage"]
        elif found := name(record.get("good"), max_length=GOOD_MAX):
            problems["good"] = found
        if record.get("country") is None:
            problems["country"] = ["a disclosed record needs an ISO 3166-1 alpha-2 country code; say disclosed: false otherwise"]
        elif found := country(record.get("country")):
            problems["country"] = found
    else:
        for key in ("good", "country"):  # allowed (and ignored) on a hidden stage, but still sane
            if record.get(key) is not None and (found := text(record.get(key), max_length=GOOD_MAX)):
                problems[key] = found
    return problems


def evidence_item(item: Any) -> dict[str, Problems]:
    """One piece of evidence: {url, source_type, visibility?, date?, note?}.

    `visibility` is `public` (shown with its URL) or `confidential` (a document a company supplied in
    confidence: shown publicly as "company-provided document" with its type and date only). Left out,
    it follows the source type (`scoring.inputs.default_visibility`).
    """
    from scoring.inputs import EVIDENCE_KEYS, SOURCE_TYPES, VISIBILITIES

    if not isinstance(item, dict):
        return {"item": ["must be an object with url and source_type"]}
    problems: dict[str, Problems] = {}
    for key in sorted(item.keys() - EVIDENCE_KEYS):
        problems[str(key)] = [f"unknown field; evidence has {', '.join(sorted(EVIDENCE_KEYS))}"]
    if found := url(item.get("url")):
        problems["url"] = found
    if item.get("source_type") not in SOURCE_TYPES:
        problems["source_type"] = [f"must be one of {', '.join(SOURCE_TYPES)}"]
    if item.get("visibility") is not None and item["visibility"] not in VISIBILITIES:
        problems["visibility"] = [f"must be one of {', '.join(VISIBILITIES)}"]
    if item.get("date") is not None and (found := iso_date(item["date"])):
        problems["date"] = found
    if found := note(item.get("note")):
        problems["note"] = found
    return problems


# --- raising --------------------------------------------------------------------------------------

def require_one_of(value: Any, allowed: Iterable[str], *, field: str, code: str) -> None:
    """Raise `Invalid` naming `field` unless `value` is one of `allowed`; None passes (a filter not given)."""
    allowed = tuple(allowed)
    if value is None or value in allowed:
        return
    listed = ", ".join(allowed)
    raise Invalid(f"{field} must be one of {listed}.", code=code, errors={field: [f"One of {listed}."]})


def require(problems: Problems | dict[str, Problems], *, field: str, code: str, label: str | None = None) -> None:
    """Raise `Invalid` (422) naming `field` when there are problems; nothing when there are none."""
    if not problems:
        return
    if isinstance(problems, dict):
        first_field, first = next(iter(problems.items()))
        raise Invalid(f"{(label or field).capitalize()}: {first_field} {first[0]}.", code=code, errors={field: problems})
    raise Invalid(f"{(label or field).capitalize()} {problems[0]}.", code=code, errors={field: problems})
