"""Every response the test suite receives matches the OpenAPI document (tests/conftest.py turns this on).

`ContractClient` is Flask's test client with one more step: after each request, the response's status must
be documented for its operation (or covered by `default`), and a JSON body must validate against the
documented schema. Schemas are made strict here (an object may hold only the properties it documents),
so a key a view adds without documenting it fails the test that first sees it. The document is built once
per process (every app builds the same one) and each (operation, status) validator once.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import HTTPException

SPEC_URI = "urn:ratings:openapi"
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class ContractViolation(AssertionError):
    pass


_DOCUMENT: dict[str, Any] = {}


def _document_from(app: Flask) -> dict[str, Any]:
    if not _DOCUMENT:
        api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
        with app.app_context():
            _DOCUMENT.update(json.loads(json.dumps(api.spec.to_dict())))
    return _DOCUMENT


def strict(schema: Any) -> Any:
    """A copy where every object schema with properties forbids undocumented ones (unless it says otherwise)."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


@lru_cache(maxsize=None)
def _registry() -> Registry:
    document = strict(copy.deepcopy(_DOCUMENT))
    return Registry().with_resource(SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@lru_cache(maxsize=None)
def _validator(path: str, method: str, status: str) -> Draft202012Validator:
    ref = f"{SPEC_URI}#/" + _pointer("paths", path, method, "responses", status, "content", "application/json", "schema")
    return Draft202012Validator({"$ref": ref}, registry=_registry())


def _resolve(document: dict, item: dict) -> dict:
    while "$ref" in item:
        node: Any = document
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        item = node
    return item


def operation_path(app: Flask, method: str, path: str) -> str | None:
    """The document's path template of a request (`/v1/brands/{slug}`), or None when no route matches."""
    try:
        rule, _ = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
    except HTTPException:  # unknown address, wrong method, redirect: no operation to check
        return None
    return _RULE_ARGUMENT.sub(r"{\1}", rule.rule)


def check_response(app: Flask, method: str, path: str, response) -> None:
    """Raise ContractViolation when the response is not what the document says this operation answers."""
    if "flask-smorest" not in app.extensions:
        return  # not the project's app (bench/ceiling.py): it has no document to answer to
    document = _document_from(app)
    template = operation_path(app, method, path)
    operations = document["paths"].get(template or "")
    if method in ("HEAD", "OPTIONS") or operations is None or method.lower() not in operations:
        return  # not an operation of the document (/docs, its assets, the document itself)
    responses = operations[method.lower()]["responses"]
    status = response.status_code
    key = str(status) if str(status) in responses else "default"
    if key not in responses:
        raise ContractViolation(f"{method} {path}: status {status} is not documented for {template}")
    content = _resolve(document, responses[key]).get("content", {})
    if status in (204, 304) or response.is_streamed or response.headers.get("Content-Encoding"):
        return  # no body, or a file or compressed body: only its status is checked
    body = response.get_data()
    if response.mimetype != "application/json":
        if body and content and response.mimetype not in content:
            raise ContractViolation(f"{method} {path}: {status} sent {response.mimetype}, documented {sorted(content)}")
        return
    if "application/json" not in content:
        raise ContractViolation(f"{method} {path}: {status} sent a JSON body, documented none")
    entry = responses[key]
    validator = _ref_validator(entry["$ref"]) if "$ref" in entry else _validator(template, method.lower(), key)
    errors = sorted(validator.iter_errors(json.loads(body)), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:300]}" for e in errors[:5])
        raise ContractViolation(f"{method} {path} -> {status} does not match the document ({template}): {details}")


@lru_cache(maxsize=None)
def _ref_validator(ref: str) -> Draft202012Validator:
    pointer = ref.removeprefix("#/")
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/{pointer}/content/application~1json/schema"}, registry=_registry())


class ContractClient(FlaskClient):
    """Flask's test client, checking each response against the OpenAPI document."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        check_response(self.application, response.request.method, response.request.path, response)
        return response
