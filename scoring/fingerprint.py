"""The inputs hash: sha256 of the canonical JSON of what was scored, so equal inputs are recognised.

Canonical form 2 (`HASH_FORM`): sorted keys, no whitespace, of {"answers", "methodology": {id, version},
"sourcing"}, with answers sorted by (indicator, stage), percent values as floats, evidence sorted, and
sourcing sorted. The same inputs in any order give the same hash. A public evidence item enters as
{url, source_type, note}; a confidential one (a document a company supplied in confidence) as
{source_type, digest}, the digest being sha256 of {url, note}: so the public inputs pack, which shows
the digest and never the URL or note, reproduces the hash exactly (docs/methodology.md, "Reproducing a
grade"). Form 1 (before evidence visibility) entered every item with its URL.

`inputs_hash` is the definition. The engine builds the same text faster from per-slot fragments
prepared once per methodology (`slot_texts`, then `hash_of_texts`); a test holds the two equal.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable, Sequence

from scoring.inputs import Answer, Evidence, SourcingRecord
from scoring.methodology import NOT_APPLICABLE, Indicator, Methodology

HASH_FORM = 2  # the canonical form above; the inputs pack names it


def inputs_hash(methodology: Methodology, answers: Iterable[Answer], sourcing: Iterable[SourcingRecord]) -> str:
    document = {
        "methodology": {"id": methodology.id, "version": methodology.version},
        "answers": sorted((canonical_answer(a) for a in answers), key=lambda a: (a["indicator"], a["stage"] or "")),
        "sourcing": _canonical_sourcing(sourcing),
    }
    return _sha256(canonical_json(document))


# One encoder, made once: json.dumps with options builds a new encoder on every call.
canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_answer(answer: Answer) -> dict:
    value = answer.value if isinstance(answer.value, str) else float(answer.value)  # 62 and 62.0 are one percent
    item = {"indicator": answer.indicator, "stage": answer.stage, "value": value}
    if answer.evidence:
        item["evidence"] = sorted(
            (canonical_evidence(e) for e in answer.evidence),
            key=lambda e: (e.get("url") or e["digest"], e["source_type"], e.get("note") or ""),
        )
    return item


def canonical_evidence(evidence: Evidence) -> dict:
    """How one evidence item enters the hash: a confidential one only as the digest of its URL and note."""
    if evidence.visibility == "confidential":
        return {"source_type": evidence.source_type, "digest": evidence_digest(evidence)}
    return {"url": evidence.url, "source_type": evidence.source_type, "note": evidence.note}


def evidence_digest(evidence: Evidence) -> str:
    """The placeholder of a confidential item: given as read from an inputs pack, else worked out."""
    if evidence.digest is not None:
        return evidence.digest
    return _sha256(canonical_json({"url": evidence.url, "note": evidence.note}))


def slot_texts(indicator: Indicator, stage_id: str | None) -> tuple[str, dict[str, str]]:
    """Prepared once per slot: the canonical text of an evidence-less answer up to its value, and the
    whole text for each text value it accepts (its options and "na"). Keys are sorted, as in json.dumps."""
    prefix = f'{{"indicator":{canonical_json(indicator.id)},"stage":{canonical_json(stage_id)},"value":'
    accepted = [*(indicator.answer.options or ()), NOT_APPLICABLE]
    return prefix, {value: prefix + canonical_json(value) + "}" for value in accepted}


def hash_of_texts(methodology: Methodology, answer_texts: Sequence[str], sourcing: Iterable[SourcingRecord]) -> str:
    """The hash from answer texts already in (indicator, stage) order."""
    text = (
        '{"answers":[' + ",".join(answer_texts) + "]"
        + ',"methodology":' + canonical_json({"id": methodology.id, "version": methodology.version})
        + ',"sourcing":' + canonical_json(_canonical_sourcing(sourcing))
        + "}"
    )
    return _sha256(text)


def _canonical_sourcing(sourcing: Iterable[SourcingRecord]) -> list[dict]:
    records = [{"stage": r.stage, "good": r.good, "country": r.country, "disclosed": r.disclosed} for r in sourcing]
    return sorted(records, key=lambda r: (r["stage"], r["good"] or "", r["country"] or "", r["disclosed"]))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
