"""Reading one answer slot's HTML form into the answers-file shape the services check (no rules here:
an unreadable number is passed on as text, so the service names the problem as the API would)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

MAX_EVIDENCE = 50  # rows read from one form; the service's own limits apply after


def slot_entry(form: MultiDict, answer_type: str) -> dict[str, Any]:
    """{"value", "evidence", "note", "version"} from the form of one slot."""
    if form.get("na"):
        value: Any = "na"
    else:
        raw = (form.get("value") or "").strip()
        value = None if raw == "" else (_number(raw) if answer_type == "percent" else raw)
    evidence = []
    for index in range(MAX_EVIDENCE):
        url = (form.get(f"evidence-{index}-url") or "").strip()
        if f"evidence-{index}-url" not in form:
            break
        if not url or form.get(f"evidence-{index}-remove"):
            continue
        item = {"url": url, "source_type": form.get(f"evidence-{index}-source_type") or "public"}
        for key in ("date", "visibility", "note"):  # empty: not given (visibility then follows the type)
            text = (form.get(f"evidence-{index}-{key}") or "").strip()
            if text:
                item[key] = text
        evidence.append(item)
    version = form.get("version", "")
    return {"value": value, "evidence": evidence, "note": (form.get("note") or "").strip() or None,
            "version": int(version) if version.isdigit() else None}


def _number(raw: str) -> Any:
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() else number
