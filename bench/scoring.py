"""Benchmark of the scoring engine: 10,000 fully answered assessments against a floor loop.

    .venv/bin/python bench/scoring.py [--assessments N] [--runs K] [--profile]

The floor loop only reads the same answers (looks up each answer's numeric value); score() does the
whole job (scale, scores, points per slot, roadmap, inputs hash). Both are timed K times, interleaved,
and the medians are compared. Targets: score() under 5 s for 10,000 assessments, within 5x the floor.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is itself named scoring.py: put the repository, not bench/, first on the path, so that
# `import scoring` finds the package rather than this script.
sys.path[0] = str(ROOT)

from scoring import Answer, Methodology, SourcingRecord, load_risk_list, parse_methodology, score  # noqa: E402
from scoring.methodology import load_methodology  # noqa: E402

DEFAULT_METHODOLOGY = ROOT / "data" / "methodologies" / "f2w-2026.json"
SEED = 2026
# Half of these pairs are on the DoL list, so both scales are exercised.
GOODS = [("Cotton", "CN"), ("Cotton", "US"), ("Cocoa", "CI"), ("Cocoa", "EC"), ("Gold", "PE"), ("Wine", "FR")]


def synthetic_methodology() -> Methodology:
    """Used only while no default methodology file exists: 4 categories, 50 indicators, 3 stages, most staged."""
    stages = [{"id": s, "name": s, "weight": w} for s, w in (("raw_materials", 40), ("inputs", 30), ("final_manufacturing", 30))]
    yes_no = {"type": "choice", "options": {"yes": 1.0, "partial": 0.5, "no": 0.0}}
    categories = []
    for c, count in enumerate((12, 12, 13, 13)):
        indicators = [
            {"id": f"C{c}-{i}", "text": "?", "weight": 1 + i % 3, "staged": i % 4 != 0,
             "answer": {"type": "percent"} if i % 3 == 2 else yes_no}
            for i in range(count)
        ]
        categories.append({"id": f"c{c}", "name": f"c{c}", "weight": 25, "indicators": indicators})
    bands = [["A", 80], ["B", 60], ["C", 40], ["F", 0]]
    return parse_methodology({"id": "synthetic", "name": "synthetic", "version": "1", "stages": stages,
                              "categories": categories, "grades": {"standard": bands, "high_risk": bands}})


def make_assessments(methodology: Methodology, count: int) -> list[tuple[list[Answer], list[SourcingRecord]]]:
    """Every indicator answered at every stage, with seeded random values, and one record per stage."""
    rng = random.Random(SEED)
    slots = [(i, s.id if i.staged else None) for c in methodology.categories for i in c.indicators
             for s in (methodology.stages if i.staged else [None])]
    assessments = []
    for _ in range(count):
        answers = [
            Answer(i.id, stage, rng.choice(list(i.answer.options)) if i.answer.type == "choice" else round(rng.uniform(0, 100), 1))
            for i, stage in slots
        ]
        sourcing = [SourcingRecord(s.id, *rng.choice(GOODS)) for s in methodology.stages]
        assessments.append((answers, sourcing))
    return assessments


def floor(methodology: Methodology, assessments) -> float:
    """Only read the answers: each answer's numeric value, looked up by indicator."""
    options_of = {i.id: i.answer.options for c in methodology.categories for i in c.indicators}
    total = 0.0
    for answers, _ in assessments:
        for answer in answers:
            options = options_of[answer.indicator]
            total += options[answer.value] if options is not None else answer.value / 100
    return total


def engine(methodology: Methodology, assessments, risk_list) -> None:
    for answers, sourcing in assessments:
        score(methodology, answers, sourcing, risk_list)


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also print where score() spends its time")
    options = parser.parse_args()

    methodology = load_methodology(DEFAULT_METHODOLOGY) if DEFAULT_METHODOLOGY.exists() else synthetic_methodology()
    risk_list = load_risk_list(ROOT / "data" / "risk")
    assessments = make_assessments(methodology, options.assessments)
    answers = sum(len(a) for a, _ in assessments)
    engine(methodology, assessments[:10], risk_list)  # warm up: builds the methodology's index tables once

    floor_times, engine_times = [], []
    for _ in range(options.runs):  # interleaved, so both see the same machine state
        floor_times.append(timed(floor, methodology, assessments))
        engine_times.append(timed(engine, methodology, assessments, risk_list))
    floor_median, engine_median = statistics.median(floor_times), statistics.median(engine_times)
    ratio = engine_median / floor_median

    n = options.assessments
    print(f"Scoring engine: {n:,} assessments of {methodology.id} {methodology.version} "
          f"({answers // n} answers each, {answers:,} in all); median of {options.runs} runs")
    print(f"{'':24}{'total':>10}{'per assessment':>17}")
    print(f"{'floor (read answers)':24}{floor_median:>9.3f}s{floor_median / n * 1e6:>15.1f}µs")
    print(f"{'score()':24}{engine_median:>9.3f}s{engine_median / n * 1e6:>15.1f}µs")
    print(f"{'ratio score()/floor':24}{ratio:>9.1f}x")
    print(f"target: score() < 5 s for {n:,}: {'met' if engine_median < 5 * n / 10_000 else 'MISSED'}")
    print(f"target: within 5x of the floor: {'met' if ratio <= 5 else 'MISSED'}")

    if options.profile:
        profiler = cProfile.Profile()
        profiler.runcall(engine, methodology, assessments[:2000], risk_list)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
