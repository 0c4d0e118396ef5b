"""Bulk import of companies, brands, products, GS1 prefixes, sourcing and assessment answers.

Everything is validated first and every bad row is reported (where, field, reason); nothing is
written unless every row is valid, and then all of it is written in the caller's one transaction.
Rows are matched by natural keys (slug, GTIN, prefix), so re-running the same file changes nothing.
Products are written in chunks with multi-row statements: imports run to millions of rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from sqlalchemy import String, any_, bindparam, insert, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, select

from ratings import assessments, categories, changes, datafiles, lookup_model, proposals, rules
from ratings.publishing import current_grades
from ratings.barcodes import parse_barcode
from ratings.errors import DomainError, Invalid, Malformed
from ratings.models import Assessment, AuditEvent, Brand, Company, Gs1Prefix, Industry, Product, Sourcing, User
from ratings.types import utcnow

SECTIONS = ("industries", "companies", "gs1_prefixes", "sourcing", "brands", "products", "answers")
# CSV: one kind of row per file; the required columns, then the optional ones.
CSV_COLUMNS = {
    "companies": (("slug", "name"), ("country", "website", "parent")),
    "brands": (("slug", "name", "company"), ("industry", "aliases", "category")),  # aliases separated by "|"
    "products": (("gtin", "name", "brand"), ("category",)),  # category: a slug of data/categories.json
    "gs1_prefixes": (("company", "prefix"), ()),
    "sourcing": (("company", "stage"), ("good", "country", "disclosed")),
    "answers": (("company", "cycle_year", "indicator", "value"),
                ("methodology", "stage", "evidence_url", "evidence_type", "evidence_visibility", "evidence_date", "note")),
}
CHUNK = 5_000
MAX_ERRORS = 1_000  # enough to fix a file; more would only bury the first ones
MAX_CELL = 100_000  # characters in one CSV cell (below csv's own limit, far above any column)


@dataclass(frozen=True)
class Row:
    section: str
    where: str  # "line 12" of a CSV file, "products[11]" of a JSON one
    data: dict[str, Any]


@dataclass
class Report:
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def count(self, section: str, outcome: str, n: int = 1) -> None:
        self.counts[section][outcome] += n

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {section: dict(outcomes) for section, outcomes in self.counts.items()}

    @property
    def changed(self) -> bool:
        return any(o.get("created") or o.get("updated") for o in self.as_dict().values())


# --- reading files ------------------------------------------------------------------------------

def rows_from_json(document: Any) -> list[Row]:
    """The demo catalog's shape; companies may nest their gs1_prefixes and sourcing."""
    if not isinstance(document, dict) or not set(document) <= {*SECTIONS, "methodology", "assessments"}:
        raise Invalid(f"An import document is a JSON object with some of: {', '.join(SECTIONS)}.", code="invalid_import")
    rows: list[Row] = []
    for section in ("industries", "companies", "gs1_prefixes", "sourcing", "brands", "products", "answers"):
        for index, item in enumerate(_list(document, section)):
            where = f"{section}[{index}]"
            if section == "companies" and isinstance(item, dict):
                for n, prefix in enumerate(item.get("gs1_prefixes") or []):
                    rows.append(Row("gs1_prefixes", f"{where}.gs1_prefixes[{n}]", {"company": item.get("slug"), "prefix": prefix}))
                for n, record in enumerate(item.get("sourcing") or []):
                    data = {**record, "company": item.get("slug")} if isinstance(record, dict) else record
                    rows.append(Row("sourcing", f"{where}.sourcing[{n}]", data))
                item = {k: v for k, v in item.items() if k not in ("gs1_prefixes", "sourcing")}
            rows.append(Row(section, where, item))
    for index, assessment in enumerate(_list(document, "assessments")):  # the assessments-file shape
        if not isinstance(assessment, dict):
            rows.append(Row("answers", f"assessments[{index}]", assessment))
            continue
        base = {"company": assessment.get("company"), "cycle_year": assessment.get("cycle_year"),
                "methodology": assessment.get("methodology") or document.get("methodology") or datafiles.DEFAULT_METHODOLOGY}
        for n, answer in enumerate(assessment.get("answers") or []):
            rows.append(Row("answers", f"assessments[{index}].answers[{n}]", {**base, **answer} if isinstance(answer, dict) else answer))
    # Reorder so references point backwards: sourcing and prefixes after all companies, etc.
    return sorted(rows, key=lambda row: SECTIONS.index(row.section))


def decode(data: bytes, source: str = "The file") -> str:
    """An import file's bytes as text: UTF-8, with or without a byte-order mark; anything else is refused
    naming the line (never stored as U+FFFD). The CLI and the API both read files through this."""
    return rules.decode_utf8(data, source=source)


def rows_from_json_text(text: str) -> list[Row]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Malformed(f"The file is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}.",
                        code="invalid_json", errors={"line": error.lineno, "column": error.colno}) from None
    except RecursionError:
        raise Malformed("The JSON file nests too deeply.", code="invalid_json") from None
    return rows_from_json(document)


def rows_from_csv(text: str, kind: str) -> list[Row]:
    """One kind of row per CSV file, with a header naming the columns (see CSV_COLUMNS).

    Line endings may be mixed (\\n, \\r\\n, \\r); a cell over MAX_CELL characters, a NUL character or a
    row with more cells than the header is refused naming its line. A column the header leaves out
    leaves that field as it is; an empty cell clears it."""
    if kind not in CSV_COLUMNS:
        raise Invalid(f"CSV kind must be one of {', '.join(CSV_COLUMNS)}.", code="invalid_import")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Invalid(f"Line {line} holds a NUL character; nothing was imported.", code="invalid_import",
                      errors={"rows": [{"where": f"line {line}", "section": kind, "field": "row", "reason": "holds a NUL character"}],
                              "total": 1})
    reader = csv.DictReader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"), newline=""), restkey=_EXTRA)
    rows: list[Row] = []
    try:
        missing = set(CSV_COLUMNS[kind][0]) - set(reader.fieldnames or ())
        if missing:
            raise Invalid(f"The CSV header lacks {', '.join(sorted(missing))}.", code="invalid_import")
        for cells in reader:
            rows.append(Row(kind, f"line {reader.line_num}", _from_csv_cells(kind, cells)))
    except csv.Error as error:
        line = reader.line_num + 1 if "field larger" in str(error) else reader.line_num
        reason = f"a cell is longer than {MAX_CELL} characters" if "field larger" in str(error) else f"unreadable CSV: {error}"
        raise Invalid(f"Line {line}: {reason}; nothing was imported.", code="invalid_import",
                      errors={"rows": [{"where": f"line {line}", "section": kind, "field": "row", "reason": reason}], "total": 1}) from None
    return rows


_EXTRA = "\x00extra"  # DictReader's key for cells beyond the header (no header can hold a NUL)


def _from_csv_cells(kind: str, cells: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in cells.items() if k and k != _EXTRA}
    if cells.get(_EXTRA):
        data["_extra_cells"] = len(cells[_EXTRA])
    if any(isinstance(v, str) and len(v) > MAX_CELL for v in data.values()):
        data["_huge_cell"] = True
    if kind == "brands" and "aliases" in data:
        data["aliases"] = [a.strip() for a in (data["aliases"] or "").split("|") if a.strip()]
    if kind == "sourcing" and data.get("disclosed") is not None:
        data["disclosed"] = rules.csv_boolean(data["disclosed"])  # true/false, yes/no, 1/0 become booleans here only
    elif kind == "sourcing":
        data.pop("disclosed", None)  # empty or absent: the default, disclosed
    if kind == "answers":
        data["value"] = _number_or_text(data.get("value"))
        if isinstance(data.get("cycle_year"), str) and data["cycle_year"].isascii() and data["cycle_year"].isdigit():
            data["cycle_year"] = int(data["cycle_year"])
        if data.get("evidence_url"):
            item = {"url": data["evidence_url"], "source_type": data.get("evidence_type") or "public"}
            for column, key in (("evidence_visibility", "visibility"), ("evidence_date", "date")):
                if data.get(column):
                    item[key] = data[column]
            data["evidence"] = [item]
        for column in ("evidence_url", "evidence_type", "evidence_visibility", "evidence_date"):
            data.pop(column, None)
    return data


def _number_or_text(value: str | None) -> Any:
    """CSV cells are text: '62.5' is a percent, 'yes' an option, 'na' not applicable."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return value


def _list(document: dict, key: str) -> list:
    value = document.get(key) or []
    if not isinstance(value, list):
        raise Invalid(f"'{key}' must be a list.", code="invalid_import")
    return value


# --- validating and writing ---------------------------------------------------------------------

def run_import(
    session: Session, rows: list[Row], *, actor: User | None = None, progress: Callable[[int], None] | None = None
) -> Report:
    """Check every row, then write them all; Invalid (naming each bad row) writes nothing.

    Drafts created or written by the import carry `actor` as their author (the API's user; the CLI requires
    --actor when a file has answers), so the importing user can never publish them. Changes that move a public grade (a brand changing company,
    a prefix for a graded company) become proposals, counted as "proposed"."""
    plan = _Plan(session)
    plan.actor = actor
    errors = plan.check(rows, progress)
    if errors:
        shown = errors[:MAX_ERRORS]
        raise Invalid(
            f"{len(errors)} row(s) are invalid; nothing was imported. First: {shown[0]['where']}: {shown[0]['field']}: {shown[0]['reason']}",
            code="invalid_import",
            errors={"rows": shown, "total": len(errors)},
        )
    report = plan.write(progress)
    if report.changed:  # one event for the whole import: a row-by-row trail would dwarf the catalog
        session.add(AuditEvent(actor_id=actor.id if actor else None, action="import", entity_type="Import",
                               entity_id="-", after=report.as_dict()))
        session.flush()
    return report


class _Plan:
    """What the import will do, built while checking, so writing needs no second look at the rows."""

    def __init__(self, session: Session):
        self.session = session
        self.actor: User | None = None  # who imports: the author of the drafts, the proposer of proposals
        self.errors: list[dict[str, Any]] = []
        self.industries = {i.slug: i for i in session.exec(select(Industry))}
        self.companies = {c.slug: c for c in session.exec(select(Company))}
        self.brand_ids = dict(session.exec(select(Brand.slug, Brand.id)).all())
        # brand slug -> industry slug, to check product categories (this import's brands added while checking)
        self.brand_industry = dict(session.exec(select(Brand.slug, Industry.slug).join(Industry, Industry.id == Brand.industry_id)).all())
        self.by_section: dict[str, list[Row]] = defaultdict(list)
        self.stages = datafiles.known_stages()
        self.new = {"industries": set(), "companies": set(), "brands": set()}
        self.gtins: dict[str, str] = {}  # gtin -> where first seen
        self.prefixes: dict[str, str] = dict(  # prefix -> company slug, the database's then this import's
            session.exec(select(Gs1Prefix.prefix, Company.slug).join(Company, Company.id == Gs1Prefix.company_id)).all()
        )
        self.answer_groups: dict[tuple, list[tuple[Row, dict]]] = defaultdict(list)

    # checking

    def fail(self, row: Row, field: str, reason: str) -> None:
        self.errors.append({"where": row.where, "section": row.section, "field": field, "reason": reason})

    def rule(self, row: Row, field: str, problems) -> bool:
        """Record the problems a rule (ratings.rules) found in one field; True when there were none."""
        if isinstance(problems, dict):
            for key, reasons in problems.items():
                for reason in reasons:
                    self.fail(row, key if field is None else f"{field}.{key}", reason)
        else:
            for reason in problems:
                self.fail(row, field, reason)
        return not problems

    def check(self, rows: list[Row], progress) -> list[dict[str, Any]]:
        for count, row in enumerate(rows, 1):
            if not isinstance(row.data, dict):
                self.fail(row, "row", "must be an object")
            else:
                if row.data.pop("_extra_cells", None):
                    self.fail(row, "row", "has more cells than the header has columns")
                if row.data.pop("_huge_cell", None):
                    self.fail(row, "row", f"a cell is longer than {MAX_CELL} characters")
                getattr(self, f"_check_{row.section}")(row, row.data)
                self.by_section[row.section].append(row)
            if progress and count % CHUNK == 0:
                progress(CHUNK)
        self._check_parents()
        self._check_answer_groups()
        return self.errors

    def _known(self, kind: str, slug: Any) -> bool:
        existing = {"industries": self.industries, "companies": self.companies, "brands": self.brand_ids}[kind]
        return isinstance(slug, str) and (slug in existing or slug in self.new[kind])

    def _slug_and_name(self, row: Row, data: dict, kind: str) -> bool:
        ok = self.rule(row, "slug", rules.slug(data.get("slug")))
        ok = self.rule(row, "name", rules.name(data.get("name"))) and ok
        if ok and data["slug"] in self.new[kind]:
            self.fail(row, "slug", f"{data['slug']!r} appears twice in this import")
            ok = False
        return ok

    def _check_industries(self, row: Row, data: dict) -> None:
        if self._slug_and_name(row, data, "industries"):
            self.new["industries"].add(data["slug"])

    def _check_companies(self, row: Row, data: dict) -> None:
        if data.get("country") is not None:
            self.rule(row, "country", rules.country(data["country"]))
        if data.get("website") is not None:
            self.rule(row, "website", rules.url(data["website"]))
        parent = data.get("parent")
        if parent is not None and self.rule(row, "parent", rules.slug(parent)) and parent == data.get("slug"):
            self.fail(row, "parent", "a company cannot be its own parent")
        if self._slug_and_name(row, data, "companies"):
            self.new["companies"].add(data["slug"])

    def _check_parents(self) -> None:
        """Parents must exist (in the database or this import) and form no cycle, as the API requires."""
        parent_of = {slug: company.parent_id for slug, company in self.companies.items()}
        slug_of = {company.id: slug for slug, company in self.companies.items()}
        parent_of = {slug: slug_of.get(parent_id) for slug, parent_id in parent_of.items()}
        rows = [row for row in self.by_section.get("companies", []) if isinstance(row.data.get("slug"), str)]
        for row in rows:
            if "parent" in row.data:
                parent_of[row.data["slug"]] = row.data["parent"]
        for row in rows:
            parent = row.data.get("parent")
            if parent is None or parent == row.data["slug"] or rules.slug(parent):
                continue  # no parent, or refused above
            if not self._known("companies", parent):
                self.fail(row, "parent", f"unknown company {parent!r}")
                continue
            seen, ancestor = {row.data["slug"]}, parent
            while ancestor is not None:
                if ancestor in seen:
                    self.fail(row, "parent", f"{parent!r} cannot be the parent of {row.data['slug']!r}: it would form a cycle")
                    break
                seen.add(ancestor)
                ancestor = parent_of.get(ancestor)

    def _check_gs1_prefixes(self, row: Row, data: dict) -> None:
        company, prefix = data.get("company"), data.get("prefix")
        if not self._known("companies", company):
            self.fail(row, "company", f"unknown company {company!r}")
        if self.rule(row, "prefix", rules.gs1_prefix(prefix)):
            prefix = data["prefix"] = prefix.strip()
            if self.prefixes.setdefault(prefix, company) != company:
                self.fail(row, "prefix", f"{prefix} is registered to {self.prefixes[prefix]}")

    def _check_sourcing(self, row: Row, data: dict) -> None:
        if not self._known("companies", data.get("company")):
            self.fail(row, "company", f"unknown company {data.get('company')!r}")
        self.rule(row, None, rules.sourcing_record({k: v for k, v in data.items() if k != "company"}, self.stages))

    def _check_brands(self, row: Row, data: dict) -> None:
        if not self._known("companies", data.get("company")):
            self.fail(row, "company", f"unknown company {data.get('company')!r}")
        if data.get("industry") is not None and not self._known("industries", data.get("industry")):
            self.fail(row, "industry", f"unknown industry {data.get('industry')!r}")
        aliases = data.get("aliases") or []
        if not isinstance(aliases, list):
            self.fail(row, "aliases", "a list of names")
        else:
            for alias in aliases:
                self.rule(row, "aliases", rules.name(alias))
        # A row without an industry leaves the brand's as it is: its category is checked against that one.
        industry = data["industry"] if "industry" in data else self.brand_industry.get(data.get("slug"))
        for reason in categories.category_problems(industry, data.get("category")):
            self.fail(row, "category", reason)
        if self._slug_and_name(row, data, "brands"):
            self.new["brands"].add(data["slug"])
            self.brand_industry[data["slug"]] = industry

    def _check_products(self, row: Row, data: dict) -> None:
        try:
            gtin = parse_barcode(data["gtin"] if isinstance(data.get("gtin"), str) else str(data.get("gtin") or "")).gtin
        except DomainError as error:
            self.fail(row, "gtin", error.message)
        else:
            first = self.gtins.setdefault(gtin, row.where)
            if first != row.where:
                self.fail(row, "gtin", f"GTIN {gtin} also appears at {first}")
            data["_gtin"] = gtin
        self.rule(row, "name", rules.name(data.get("name"), max_length=rules.PRODUCT_NAME_MAX))
        if not self._known("brands", data.get("brand")):
            self.fail(row, "brand", f"unknown brand {data.get('brand')!r}")
        elif data.get("category") is not None:
            for reason in categories.category_problems(self.brand_industry.get(data["brand"]), data["category"]):
                self.fail(row, "category", reason)

    def _check_answers(self, row: Row, data: dict) -> None:
        if not self._known("companies", data.get("company")):
            self.fail(row, "company", f"unknown company {data.get('company')!r}")
            return
        year = data.get("cycle_year")
        if not self.rule(row, "cycle_year", rules.year(year)):
            return
        method = data.get("methodology") or datafiles.DEFAULT_METHODOLOGY
        if method not in datafiles.methodologies():
            self.fail(row, "methodology", f"unknown methodology {method!r}")
            return
        if data.get("note") is not None and not self.rule(row, "note", rules.note(data["note"])):
            return
        entry = {k: data[k] for k in ("indicator", "stage", "value", "evidence", "note") if data.get(k) is not None}
        self.answer_groups[(data["company"], method, year)].append((row, entry))

    def _check_answer_groups(self) -> None:
        for (company, method, year), entries in self.answer_groups.items():
            existing = self._assessment(company, method, year)
            if existing is not None and existing.status != "draft":
                for row, _ in entries:
                    self.fail(row, "cycle_year", f"the {year} assessment of {company} is {existing.status}; only drafts change")
                continue
            probe = Assessment(company_id=0, methodology_id=method, methodology_version=datafiles.methodology(method).version, cycle_year=year)
            try:
                assessments.parse_answers(probe, [{k: v for k, v in e.items() if k != "note"} for _, e in entries])
            except Invalid as error:
                for problem in error.errors["answers"]:
                    row = entries[problem["index"]][0] if problem["index"] >= 0 else entries[0][0]
                    self.fail(row, problem["field"], problem["reason"])

    def _assessment(self, company: str, method: str, year: int) -> Assessment | None:
        owner = self.companies.get(company)
        if owner is None:
            return None
        return self.session.exec(
            select(Assessment).where(Assessment.company_id == owner.id, Assessment.methodology_id == method,
                                     Assessment.cycle_year == year).order_by(Assessment.id.desc())
        ).first()

    # writing

    def write(self, progress) -> Report:
        report = Report()
        for section in SECTIONS:
            rows = self.by_section.get(section, [])
            if rows:
                getattr(self, f"_write_{section}")(rows, report, progress)
        return report

    def _upsert(self, model, rows: list[Row], fields: Callable[[dict], dict], report: Report, section: str, known: dict):
        now = utcnow()
        for row in rows:
            values = fields(row.data)
            current = known.get(row.data["slug"])
            if current is None:
                current = model(slug=row.data["slug"], **values)
                self.session.add(current)
                known[row.data["slug"]] = current
                report.count(section, "created")
            elif any(getattr(current, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(current, key, value)
                if hasattr(current, "updated_at"):
                    current.updated_at = now
                report.count(section, "updated")
            else:
                report.count(section, "unchanged")
        self.session.flush()

    def _write_industries(self, rows, report, progress):
        self._upsert(Industry, rows, lambda d: {"name": d["name"].strip()}, report, "industries", self.industries)

    def _write_companies(self, rows, report, progress):
        def fields(d):  # a field the row leaves out stays as it is; null clears it
            values = {"name": d["name"].strip()}
            if "country" in d:
                values["country"] = rules.normal_country(d["country"])
            if "website" in d:
                values["website"] = d["website"] or None
            return values

        self._upsert(Company, rows, fields, report, "companies", self.companies)
        for row in rows:  # parents once every company has an id
            if "parent" not in row.data:
                continue
            company, parent = self.companies[row.data["slug"]], row.data["parent"]
            parent_id = self.companies[parent].id if parent is not None else None  # checked: known, no cycle
            if company.parent_id != parent_id:
                company.parent_id = parent_id
                report.count("companies", "parent_changed")
        self.session.flush()

    def _write_gs1_prefixes(self, rows, report, progress):
        owners = dict(self.session.exec(select(Gs1Prefix.prefix, Gs1Prefix.company_id)).all())
        graded = current_grades(self.session, [c.id for c in self.companies.values() if c.id is not None])
        for row in rows:
            company_id = self.companies[row.data["company"]].id
            if row.data["prefix"] in owners:  # checked: then it is this company's already
                report.count("gs1_prefixes", "unchanged")
                continue
            if company_id in graded:  # barcodes would start showing a grade: a second person approves
                proposals.propose_gs1_prefix(self.session, company=self.companies[row.data["company"]],
                                             prefix=row.data["prefix"], actor=self.actor)
                report.count("gs1_prefixes", "proposed")
                continue
            self.session.add(Gs1Prefix(prefix=row.data["prefix"], company_id=company_id))
            owners[row.data["prefix"]] = company_id
            report.count("gs1_prefixes", "created")
        self.session.flush()

    def _write_sourcing(self, rows, report, progress):
        from ratings.assessments import refuse_while_submitted

        # Rows replace the records of their (company, stage) only; other stages stay as they are.
        wanted: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for row in rows:
            d = row.data
            disclosed = d.get("disclosed", True) is not False
            wanted[(d["company"], d["stage"])].append(
                (d["stage"], d["good"].strip() if disclosed else None, rules.normal_country(d["country"]) if disclosed else None, disclosed)
            )
        for (slug, stage), records in wanted.items():
            company = self.companies[slug]
            current = self.session.exec(select(Sourcing).where(Sourcing.company_id == company.id, Sourcing.stage == stage)).all()
            if sorted(records, key=repr) == sorted(((r.stage, r.good, r.country, r.disclosed) for r in current), key=repr):
                report.count("sourcing", "unchanged", len(records))
                continue
            refuse_while_submitted(self.session, company)  # 409 naming the assessment under review
            for old in current:
                self.session.delete(old)
            self.session.add_all(Sourcing(company_id=company.id, stage=s, good=g, country=c, disclosed=d) for s, g, c, d in records)
            report.count("sourcing", "updated", len(records))
        self.session.flush()

    def _write_brands(self, rows, report, progress):
        known = {b.slug: b for b in self.session.exec(select(Brand).where(Brand.slug.in_([r.data["slug"] for r in rows])))}

        moves = []

        def fields(d):  # a field the row leaves out stays as it is; null clears it
            company_id = self.companies[d["company"]].id
            existing = known.get(d["slug"])
            if existing is not None and existing.company_id != company_id:
                moves.append((existing, self.companies[d["company"]]))  # a new owner is proposed, not applied
                company_id = existing.company_id
            values = {"name": d["name"].strip(), "company_id": company_id}
            if "industry" in d:
                industry = self.industries.get(d["industry"])
                values["industry_id"] = industry.id if industry else None
            if "aliases" in d:
                values["aliases"] = list(dict.fromkeys(a.strip() for a in d["aliases"] or []))
            if "category" in d:  # likewise: an absent key leaves the category as it is; null clears it
                values["category"] = d["category"]
            return values

        self._upsert(Brand, rows, fields, report, "brands", known)
        for brand, company in moves:
            proposals.propose_brand_owner(self.session, brand=brand, company=company, actor=self.actor)
            report.count("brands", "proposed")
        self.brand_ids.update({slug: brand.id for slug, brand in known.items()})

    def _write_products(self, rows, report, progress):
        for chunk in _chunks(rows, CHUNK):
            by_gtin = {row.data["_gtin"]: row.data for row in chunk}
            existing = {p.gtin: p for p in self.session.exec(select(Product.gtin, Product.id, Product.name, Product.brand_id, Product.category)
                                                              .where(_one_of(self.session, Product.gtin, list(by_gtin))))}
            now = utcnow()
            inserts, updates, updated_gtins = [], [], []
            for gtin, data in by_gtin.items():
                brand_id, name = self.brand_ids[data["brand"]], data["name"].strip()
                found = existing.get(gtin)
                # An absent category key leaves the stored one as it is; null (an empty cell) clears it.
                category = data["category"] if "category" in data else (found.category if found is not None else None)
                if found is None:
                    inserts.append({"gtin": gtin, "name": name, "brand_id": brand_id, "source": "import",
                                    "created_at": now, "updated_at": now, "category": category})
                elif (found.name, found.brand_id, found.category) != (name, brand_id, category):
                    updates.append({"id": found.id, "name": name, "brand_id": brand_id, "updated_at": now, "category": category})
                    updated_gtins.append(gtin)
            if inserts:
                _bulk_insert(self.session, Product.__table__, inserts)
            if updates:
                self.session.execute(update(Product), updates)
            changes.record(self.session, "gtin", [row["gtin"] for row in inserts] + updated_gtins)
            # Multi-row statements bypass the ORM's flush: the read model hears of the brands they changed from here.
            lookup_model.touch(self.session, brands={row["brand_id"] for row in (*inserts, *updates)}
                               | {existing[gtin].brand_id for gtin in updated_gtins})
            report.count("products", "created", len(inserts))
            report.count("products", "updated", len(updates))
            report.count("products", "unchanged", len(by_gtin) - len(inserts) - len(updates))
            if progress:
                progress(len(chunk))

    def _write_answers(self, rows, report, progress):
        for (company, method, year), entries in self.answer_groups.items():
            draft = self._assessment(company, method, year)
            answers = [entry for _, entry in entries]
            if draft is None:
                draft = assessments.create_assessment(self.session, company=company, methodology=method, cycle_year=year,
                                                      author=self.actor)
                report.count("assessments", "created")
            elif _content(assessments.describe(self.session, draft)["answers"]) == _stored_form(draft, answers):
                report.count("answers", "unchanged", len(answers))
                continue
            assessments.replace_answers(self.session, draft.id, entries=answers, actor=self.actor)
            report.count("answers", "updated", len(answers))


def _content(described: list[dict]) -> list[dict]:
    """What an answer says, without its bookkeeping (per-answer version, copied mark)."""
    return [{key: answer[key] for key in ("indicator", "stage", "value", "evidence", "note")} for answer in described]


def _stored_form(draft: Assessment, entries: list[dict]) -> list[dict]:
    """The answers as `describe` would show them once stored, to tell whether anything changes."""
    parsed = assessments.parse_answers(draft, [{k: v for k, v in e.items() if k != "note"} for e in entries])
    notes = [e.get("note") for e in entries]
    return [
        {"indicator": a.indicator, "stage": a.stage, "value": a.value,
         "evidence": [assessments.evidence_dict(ev) for ev in a.evidence],
         "note": note}
        for a, note in zip(parsed, notes)
    ]


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _one_of(session: Session, column, values: list):
    """`column IN (values)`; on PostgreSQL `= ANY(array)`: one parameter instead of thousands to send and plan."""
    if _postgresql(session):
        return column == any_(bindparam("values", values, type_=ARRAY(String)))
    return column.in_(values)


def _bulk_insert(session: Session, table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL (several times faster than
    row-by-row executemany, BENCHMARKS.md), else executemany."""
    if not _postgresql(session):
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    with session.connection().connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
