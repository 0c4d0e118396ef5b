"""Generate a large fictional catalog for load tests, and publish ratings for part of it.

    .venv/bin/python bench/catalog.py generate --out bench/.data/1m --companies 10000 --brands 50000 --products 1000000
    .venv/bin/ratings users create --email bench@example.org --role admin   # once: imports say who imports
    .venv/bin/ratings import bench/.data/1m/catalog.json --actor bench@example.org     # industries, companies (+ GS1 prefixes), brands
    .venv/bin/ratings import bench/.data/1m/products.csv --actor bench@example.org     # the products, through the bulk import path
    .venv/bin/python bench/catalog.py publish --companies 2000   # rate the first 2,000 companies (env DATABASE_URL)

`generate` writes, seeded and deterministic:
  catalog.json   the demo's JSON shape: 4 industries, companies with one GS1 prefix each and the
                 sourcing of a demo company (company n: the company of demo assessment n mod 18), brands
                 (names with accents, some with an alias)
  products.csv   gtin,name,brand: EAN-13 codes under the owning company's prefix, valid check digit
  gtins.txt      a random sample of catalog GTINs, one per line, for the wrk lookup scripts
  queries.txt    brand-search queries: prefixes, whole names, one-letter typos, with and without accents
`publish` gives the first N companies (in order of generation) a 2026 assessment whose answers are
copied from data/demo/assessments.json (company n: demo assessment n mod 18, whose company's sourcing
`generate` gave it), then submits and publishes it through ratings.assessments and ratings.publishing,
so barcode lookups, search and the export carry real ratings. A "not applicable" answer at a stage the
company does not disclose is refused by the service; on a catalog without that sourcing (one generated
before it was added) such answers are left unanswered instead, and the count is printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDUSTRIES = [("apparel", "Apparel & footwear"), ("electronics", "Electronics"), ("cocoa", "Chocolate & cocoa"),
              ("coffee", "Coffee")]
SYLLABLES = ["al", "bri", "cor", "dé", "el", "fa", "gor", "hel", "ith", "jor", "kes", "lu", "mè", "nor", "ö", "pa",
             "quil", "ros", "sa", "tid", "ul", "ven", "wil", "xan", "yor", "zé", "ma", "ri", "ton", "van", "lin", "ca"]
WORDS = ["Café", "Lumière", "Nordic", "Atelier", "Roasters", "Textiles", "Devices", "Chocolatier", "Outfitters",
         "Studio", "Maison", "Werk", "Garden", "Harbour", "Crème", "Señor", "Brücke", "Forêt", "Isla", "Søn"]
SUFFIXES = ["Group plc", "Co.", "Ltd", "GmbH", "AB", "NV", "SRL", "Inc.", "BV", "SA"]


def slugify(text: str) -> str:
    from slugify import slugify as _slugify

    return _slugify(text)


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def brand_name(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.4:
        return f"{word(rng)} {rng.choice(WORDS)}"
    if shape < 0.7:
        return f"{rng.choice(WORDS)} {word(rng)}"
    if shape < 0.9:
        return word(rng)
    return f"{word(rng)} & {word(rng)}"


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.33:
        return text[:i] + text[i + 1:]  # a letter dropped
    if kind < 0.66:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]  # two letters swapped
    return text[:i] + rng.choice("aeiourst") + text[i + 1:]  # a letter replaced


def strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def demo_sourcing() -> list[list[dict]]:
    """The sourcing of the company of each demo assessment, in the order of data/demo/assessments.json."""
    demo = ROOT / "data" / "demo"
    sourcing = {c["slug"]: c.get("sourcing") or [] for c in json.loads((demo / "catalog.json").read_text(encoding="utf-8"))["companies"]}
    assessments = json.loads((demo / "assessments.json").read_text(encoding="utf-8"))["assessments"]
    return [[dict(record) for record in sourcing[a["company"]]] for a in assessments]


def generation_index(slug: str, fallback: int) -> int:
    """n of a generated company's slug (`...-n`)."""
    tail = slug.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else fallback


def generate(out: Path, companies: int, brands: int, products: int, sample: int, queries: int, seed: int) -> None:
    rng = random.Random(seed)
    sourcing = demo_sourcing()
    out.mkdir(parents=True, exist_ok=True)
    if products > companies * 99_999:
        sys.exit("At most 99,999 products per company (5-digit item references).")
    company_rows, prefixes = [], []
    for n in range(companies):
        name = f"{word(rng)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)}"
        prefix = str(3_000_000 + n)  # 7-digit GS1 company prefixes 3000000..: not a restricted range
        prefixes.append(prefix)
        company_rows.append({"slug": f"{slugify(name)}-{n}", "name": name, "country": rng.choice(["GB", "DE", "FR", "US", "SE", "NL"]),
                             "gs1_prefixes": [prefix], "sourcing": sourcing[n % len(sourcing)]})
    brand_rows, brand_company = [], []
    for n in range(brands):
        owner = n % companies  # every company has a brand; the rest spread evenly
        name = brand_name(rng)
        row = {"slug": f"{slugify(name)}-{n}", "name": name, "company": company_rows[owner]["slug"],
               "industry": INDUSTRIES[owner % len(INDUSTRIES)][0], "aliases": []}
        if rng.random() < 0.1:
            row["aliases"] = [strip_accents(name).upper()]
        brand_rows.append(row)
        brand_company.append(owner)
    document = {"industries": [{"slug": s, "name": n} for s, n in INDUSTRIES], "companies": company_rows, "brands": brand_rows}
    (out / "catalog.json").write_text(json.dumps(document, ensure_ascii=False, indent=0), encoding="utf-8")

    next_item = [0] * companies
    gtins = []
    with (out / "products.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["gtin", "name", "brand"])
        for n in range(products):
            brand = n % brands
            owner = brand_company[brand]
            item = next_item[owner]
            next_item[owner] += 1
            gtin = ean13(f"{prefixes[owner]}{item:05d}")
            gtins.append(gtin)
            writer.writerow([gtin, f"{brand_rows[brand]['name']} item {item}", brand_rows[brand]["slug"]])
    (out / "gtins.txt").write_text("\n".join(rng.sample(gtins, min(sample, len(gtins)))) + "\n")

    lines = []
    for _ in range(queries):
        name = rng.choice(brand_rows)["name"]
        kind = rng.random()
        if kind < 0.35:
            query = name[: rng.randint(3, 6)]  # what someone has typed so far
        elif kind < 0.55:
            query = name  # the whole name, accents and all
        elif kind < 0.8:
            query = typo(rng, strip_accents(name).lower())  # a typo, no accents
        else:
            query = strip_accents(name).lower()
        lines.append(query)
    (out / "queries.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {companies} companies, {brands} brands, {products} products; {len(gtins[:sample])} sample GTINs, "
          f"{queries} queries")


def publish(database_url: str, count: int) -> None:
    from sqlmodel import Session, select

    from ratings import assessments, publishing
    from ratings.db import make_engine, transaction
    from ratings.demo import DEMO_DIR
    from ratings.errors import Invalid
    from ratings.models import Assessment, Company

    demo = json.loads((DEMO_DIR / "assessments.json").read_text(encoding="utf-8"))
    answer_sets = [item["answers"] for item in demo["assessments"]]
    started = time.perf_counter()
    published = dropped = 0
    with Session(make_engine(database_url), expire_on_commit=False) as session:
        rated = set(session.exec(select(Assessment.company_id)).all())
        slugs = session.exec(select(Company.id, Company.slug).order_by(Company.id).limit(count)).all()
        for start in range(0, len(slugs), 500):  # commit every 500, so a long run shows progress
            with transaction(session):
                for company_id, slug in slugs[start:start + 500]:
                    if company_id in rated:
                        continue
                    draft = assessments.create_assessment(session, company=slug, methodology=demo["methodology"], cycle_year=2026)
                    entries = answer_sets[generation_index(slug, company_id) % len(answer_sets)]
                    try:
                        assessments.replace_answers(session, draft.id, entries=entries)
                    except Invalid as error:  # 'na' at a stage this company does not disclose: leave it unanswered
                        refused = {(p["indicator"], p["stage"]) for p in (error.errors or {}).get("answers", [])}
                        if error.code != "invalid_answers" or not refused:
                            raise
                        kept = [e for e in entries if (e.get("indicator"), e.get("stage")) not in refused]
                        dropped += len(entries) - len(kept)
                        assessments.replace_answers(session, draft.id, entries=kept)
                    assessments.submit(session, draft.id)
                    publishing.publish(session, draft.id, reviewer=None)
                    published += 1
    print(f"published {published} ratings in {time.perf_counter() - started:.1f} s"
          + (f"; {dropped} 'not applicable' answers at undisclosed stages left unanswered" if dropped else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write catalog.json, products.csv, gtins.txt, queries.txt")
    gen.add_argument("--out", type=Path, default=ROOT / "bench/.data/catalog")
    gen.add_argument("--companies", type=int, default=10_000)
    gen.add_argument("--brands", type=int, default=50_000)
    gen.add_argument("--products", type=int, default=1_000_000)
    gen.add_argument("--sample", type=int, default=20_000, help="GTINs written to gtins.txt")
    gen.add_argument("--queries", type=int, default=2_000, help="queries written to queries.txt")
    gen.add_argument("--seed", type=int, default=2026)
    pub = commands.add_parser("publish", help="publish 2026 ratings for the first N companies")
    pub.add_argument("--companies", type=int, default=2_000)
    pub.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "sqlite:///instance/ratings.db"))
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.out, args.companies, args.brands, args.products, args.sample, args.queries, args.seed)
    else:
        publish(args.database_url, args.companies)


if __name__ == "__main__":
    main()
