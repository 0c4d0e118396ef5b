"""Optimistic concurrency for assessments: ETags carry the version; writes must send If-Match."""

from __future__ import annotations

import re

from flask import request
from flask_smorest import abort

from api.caching import client_etags
from api.errors import PRECONDITION_REQUIRED

from ratings.models import Assessment

_TAG = re.compile(r"assessment-(\d+)-v(\d+)")


def etag(assessment: Assessment) -> str:
    return f"assessment-{assessment.id}-v{assessment.version}"


def expected_version(assessment_id: int) -> int | None:
    """The version the client read (from If-Match); 428 without one, 412 for another assessment's."""
    if not request.if_match:
        abort(428, code="precondition_required", message=PRECONDITION_REQUIRED)
    if request.if_match.star_tag:
        return None
    for tag in client_etags(request.if_match):
        match = _TAG.fullmatch(tag)
        if match and int(match.group(1)) == assessment_id:
            return int(match.group(2))
    abort(412, code="stale_version", message="The If-Match ETag is not this assessment's current one; fetch it again.")


def answer_etag(assessment_id: int, indicator: str, stage: str | None, version: int) -> str:
    return f"answer-{assessment_id}-{indicator}-{stage or '_'}-v{version}"


def expected_answer_version(assessment_id: int, indicator: str, stage: str | None) -> int | None:
    """The answer version the client read (from If-Match); 428 without one, 412 for another slot's tag."""
    if not request.if_match:
        abort(428, code="precondition_required", message=PRECONDITION_REQUIRED)
    if request.if_match.star_tag:
        return None
    prefix = answer_etag(assessment_id, indicator, stage, 0)[:-1]  # "answer-<id>-<indicator>-<stage>-v"
    for tag in client_etags(request.if_match):
        if tag.startswith(prefix) and tag[len(prefix):].isdigit():
            return int(tag[len(prefix):])
    abort(412, code="stale_version", message="The If-Match ETag is not this answer's; read the assessment again.")
