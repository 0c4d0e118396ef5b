"""The history chart of the company portal: score per cycle as an SVG drawn on the server (no script).
Geometry only; the template writes the SVG, its title and description, and the table beside it."""

from __future__ import annotations

from typing import Any

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40  # room for the axis labels
TICKS = (0, 25, 50, 75, 100)


def history_chart(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Points (oldest first) of the ratings in `history` (newest first, as the portal gives it)."""
    rows = list(reversed(history))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(rows) - 1, 1)

    def y(score: float) -> float:
        return round(TOP + plot_h * (1 - max(0.0, min(score, 100.0)) / 100), 1)

    points = [{"x": round(LEFT + (step * i if len(rows) > 1 else plot_w / 2), 1), "y": y(r["score"]),
               "label": str(r.get("cycle_year") or r["published_at"].year), "score": r["score"], "grade": r["grade"],
               "withdrawn": bool(r.get("withdrawn"))} for i, r in enumerate(rows)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "ticks": [{"value": t, "y": y(t)} for t in TICKS], "points": points,
            "line": " ".join(f"{p['x']},{p['y']}" for p in points if not p["withdrawn"])}
