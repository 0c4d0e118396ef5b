"""The portal's history chart: geometry only (oldest first, scores on a 0-100 axis, withdrawn points off the line)."""

from datetime import datetime, timezone

from api.console.chart import BOTTOM, HEIGHT, TOP, history_chart


def rating(year, score, grade, withdrawn=False):
    return {"cycle_year": year, "score": score, "grade": grade, "withdrawn": withdrawn,
            "published_at": datetime(year, 3, 1, tzinfo=timezone.utc)}


def test_points_run_oldest_first_and_withdrawn_ones_leave_the_line():
    chart = history_chart([rating(2026, 80.0, "A"), rating(2025, 40.0, "D", withdrawn=True), rating(2024, 0.0, "F")])
    assert [p["label"] for p in chart["points"]] == ["2024", "2025", "2026"]
    xs = [p["x"] for p in chart["points"]]
    assert xs == sorted(xs) and chart["points"][0]["y"] == HEIGHT - BOTTOM and chart["points"][2]["y"] < chart["points"][1]["y"]
    assert chart["line"].count(",") == 2  # two points on the line: the withdrawn one is drawn apart
    assert chart["ticks"][-1] == {"value": 100, "y": TOP}


def test_one_rating_is_a_single_point_in_the_middle():
    chart = history_chart([rating(2026, 37.8, "D")])
    assert len(chart["points"]) == 1 and chart["left"] < chart["points"][0]["x"] < chart["right"]
    assert history_chart([])["points"] == []
