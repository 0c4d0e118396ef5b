"""`ratings.lookup.choose` walks a presorted ranking lazily; it picks exactly what sorting every candidate did."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from ratings.lookup import ALTERNATIVES, Ranking, _closeness, choose

CATEGORIES = ["a", "b", "c", "d", "e"]


@dataclass(frozen=True)
class Candidate:
    rank: int
    score: float
    name: str
    brand_id: int
    group: int
    categories: frozenset


def reference(candidates, wanted, bar, excluded):
    """The previous rule, as written before the ranking was presorted: per rank, best first, sort all picks."""
    by_rank: dict[int, list] = {}
    for c in candidates:
        by_rank.setdefault(c.rank, []).append(c)
    chosen: dict[int, tuple] = {}
    for rank, bucket in sorted(by_rank.items()):
        if bar is not None and rank >= bar:
            break
        if len(chosen) >= ALTERNATIVES:
            break
        picks = []
        for c in bucket:
            if c.group == excluded or c.group in chosen:
                continue
            closeness, shared = _closeness(wanted, c.categories)
            picks.append((closeness, -c.score, c.name, c.brand_id, c, shared))
        for closeness, _s, _n, _i, c, shared in sorted(picks, key=lambda p: p[:4]):
            if c.group not in chosen:
                chosen[c.group] = (closeness, c, shared)
    return sorted(chosen.values(), key=lambda x: (x[1].rank, x[0], -x[1].score, x[1].name, x[1].brand_id))[:ALTERNATIVES]


candidate_lists = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from([10.0, 20.5, 20.5, 33.3, 90.0]), st.sampled_from(["x", "y", "z"]),
              st.integers(0, 6), st.frozensets(st.sampled_from(CATEGORIES), max_size=3)),
    max_size=40,
).map(lambda rows: [Candidate(rank, score, name, i, group, cats) for i, (rank, score, name, group, cats) in enumerate(rows)])


@given(candidate_lists, st.lists(st.sampled_from(CATEGORIES), max_size=4, unique=True),
       st.one_of(st.none(), st.integers(0, 5)), st.one_of(st.none(), st.integers(0, 6)))
def test_choose_picks_what_sorting_every_candidate_picked(candidates, wanted, bar, excluded):
    assert choose(Ranking(candidates), wanted, bar, excluded) == reference(candidates, wanted, bar, excluded)
