"""Benchmark of the scoring engine: 10,000 fully answered assessments against a floor loop.

    .venv/bin/python bench/scoring.py [--assessments N] [--runs K] [--profile]

Three loops over the same assessments, each timed K times, interleaved, and their medians compared:
(a) the floor only reads the answers (looks up each answer's numeric value);
(b) score() reading score, grade, scale, categories and stages: bulk ranking, the per-slot detail left lazy;
(c) score() + result_to_dict(): everything materialised (points per slot, roadmap, coverage, inputs hash).
Targets (the issue's "scored" is (b)): under 5 s for 10,000 assessments, within 5x the floor.
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

from scoring import Answer, Methodology, SourcingRecord, load_risk_list, parse_methodology, result_to_dict, score  # noqa: E402
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


def ranked(methodology: Methodology, assessments, risk_list) -> None:
    """(b) What bulk ranking reads; the per-slot detail stays lazy. Results are not kept (nor by the floor)."""
    for answers, sourcing in assessments:
        result = score(methodology, answers, sourcing, risk_list)
        result.score, result.grade, result.scale, result.categories, result.stages  # read, as a ranking would


def materialised(methodology: Methodology, assessments, risk_list) -> None:
    """(c) Everything: result_to_dict reads every field, lazy ones included."""
    for answers, sourcing in assessments:
        result_to_dict(score(methodology, answers, sourcing, risk_list))


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also print where (b) and (c) spend their time")
    options = parser.parse_args()

    methodology = load_methodology(DEFAULT_METHODOLOGY) if DEFAULT_METHODOLOGY.exists() else synthetic_methodology()
    risk_list = load_risk_list(ROOT / "data" / "risk")
    assessments = make_assessments(methodology, options.assessments)
    answers = sum(len(a) for a, _ in assessments)
    materialised(methodology, assessments[:10], risk_list)  # warm up: builds the methodology's tables once

    loops = {"(a) floor (read answers)": lambda: floor(methodology, assessments),
             "(b) score(), details lazy": lambda: ranked(methodology, assessments, risk_list),
             "(c) score() + result_to_dict": lambda: materialised(methodology, assessments, risk_list)}
    times: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(options.runs):  # interleaved, so all three see the same machine state
        for name, loop in loops.items():
            times[name].append(timed(loop))
    medians = {name: statistics.median(t) for name, t in times.items()}
    floor_median = medians["(a) floor (read answers)"]

    n = options.assessments
    print(f"Scoring engine: {n:,} assessments of {methodology.id} {methodology.version} "
          f"({answers // n} answers each, {answers:,} in all); median of {options.runs} runs, interleaved")
    print(f"{'':32}{'median':>9}{'per assessment':>16}{'x floor':>9}   runs")
    for name, median in medians.items():
        runs = " ".join(f"{t:.3f}" for t in times[name])
        print(f"{name:32}{median:>8.3f}s{median / n * 1e6:>14.1f}µs{median / floor_median:>8.1f}x   {runs}")
    for name in list(loops)[1:]:  # each run against the floor run just before it: less exposed to drifting load
        ratios = [t / f for t, f in zip(times[name], times["(a) floor (read answers)"])]
        print(f"{name[:3]}/(a) run by run: {' '.join(f'{r:.1f}x' for r in ratios)}")
    for name in ("(b) score(), details lazy", "(c) score() + result_to_dict"):
        seconds, ratio = medians[name], medians[name] / floor_median
        print(f"{name}: under 5 s per 10,000: {'met' if seconds < 5 * n / 10_000 else 'MISSED'}; "
              f"within 5x of the floor: {'met' if ratio <= 5 else 'MISSED'} ({ratio:.1f}x)")

    if options.profile:
        for name, loop in (("(b)", ranked), ("(c)", materialised)):
            print(f"\nProfile of {name} over 2,000 assessments:")
            profiler = cProfile.Profile()
            profiler.runcall(loop, methodology, assessments[:2000], risk_list)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
