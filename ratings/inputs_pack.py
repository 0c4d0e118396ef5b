"""The inputs pack of a published rating: exactly what it was computed from, for anyone to recompute.

`ratings score --methodology FILE --answers PACK` (or any other implementation of the engine) on this
document and the methodology file it names gives the published score, grade, scale and inputs hash.
Confidential evidence appears as its placeholder (type, date and the digest that enters the hash),
never its URL or note: the same rule as every public response (`public.public_evidence`).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from scoring.fingerprint import HASH_FORM, evidence_digest
from scoring.inputs import Evidence, default_visibility

from ratings import datafiles
from ratings.errors import NotFound
from ratings.models import Answer, PublishedRating

FORMAT = "f2w-inputs-pack/1"


def inputs_pack(session: Session, *, rating_id: int) -> dict[str, Any]:
    rating = session.get(PublishedRating, rating_id)
    if rating is None:
        raise NotFound(f"No published rating has the id {rating_id}.", code="rating_not_found")
    answers = session.exec(
        select(Answer).where(Answer.assessment_id == rating.assessment_id).order_by(Answer.indicator_id, Answer.stage)
    ).all()
    methodology_file = datafiles.methodology_file(rating.methodology_id, rating.methodology_version)
    return {
        "format": FORMAT,
        "rating": {"id": rating.id, "grade": rating.grade, "score": round(rating.score, 1), "scale": rating.scale,
                   "inputs_hash": rating.inputs_hash, "published_at": rating.published_at},
        "methodology": {"id": rating.methodology_id, "version": rating.methodology_version,
                        "file": f"/v1/methodologies/{rating.methodology_id}/{rating.methodology_version}/file",
                        "sha256": datafiles.file_sha256(methodology_file)},
        "risk_list": {"edition": rating.risk_list_edition},
        "hash": {"algorithm": "sha256", "form": HASH_FORM},
        "answers": [_answer(a) for a in answers],
        "sourcing": [dict(record) for record in rating.sourcing or []],
    }


def _answer(answer: Answer) -> dict[str, Any]:
    item: dict[str, Any] = {"indicator": answer.indicator_id, "stage": answer.stage, "value": answer.value}
    if answer.evidence:
        item["evidence"] = [_evidence(e) for e in answer.evidence]
    return item


def _evidence(stored: dict[str, Any]) -> dict[str, Any]:
    """A public item as stored (its URL, type, note and date); a confidential one as its placeholder."""
    visibility = stored.get("visibility") or default_visibility(stored.get("source_type"))
    if visibility == "public":
        shown = {key: stored.get(key) for key in ("url", "source_type", "note", "date") if stored.get(key) is not None}
        return {**shown, "visibility": "public"}  # said always: a company's own document may be public too
    evidence = Evidence(stored.get("url"), stored.get("source_type"), stored.get("note"), visibility="confidential")
    placeholder = {"source_type": evidence.source_type, "visibility": "confidential", "date": stored.get("date"),
                   "digest": evidence_digest(evidence)}
    return {key: value for key, value in placeholder.items() if value is not None}


def is_inputs_pack(document: object) -> bool:
    return isinstance(document, dict) and str(document.get("format", "")).startswith(FORMAT.split("/")[0] + "/")


def pack_inputs(pack: dict) -> dict[str, Any]:
    """The answers document inside a pack: what the engine reads."""
    return {"answers": pack.get("answers"), "sourcing": pack.get("sourcing", [])}
