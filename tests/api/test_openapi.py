"""The OpenAPI document is generated from the code, validates, and is one a client can be built from."""

import pytest
from openapi_spec_validator import validate

from tests.api.exercise import exercise, tokens_for
from tests.openapi_contract import ContractViolation, _validator, check_response

PUBLIC_ROUTES = {
    "/v1/barcodes/{code}", "/v1/brands", "/v1/brands/{slug}", "/v1/companies/{slug}", "/v1/industries",
    "/v1/industries/{slug}", "/v1/methodologies/{methodology_id}", "/v1/export", "/v1/changes", "/healthz", "/readyz",
}
METHODS = {"get", "post", "put", "patch", "delete"}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


@pytest.fixture
def spec(client):
    return client.get("/v1/openapi.json").get_json()


def test_openapi_document_validates_and_lists_every_public_route(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert PUBLIC_ROUTES <= set(spec["paths"])


def test_every_documented_error_uses_our_error_schema(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "message"}
    assert error["properties"]["status"]["type"] == "integer"
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")) or status == "default":
                assert "$ref" in response or "Error" in str(response), (path, method, status)


def test_every_success_response_has_a_schema(spec):
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith("2") and status != "204":
                content = response.get("content", {})
                assert content and all(media.get("schema") for media in content.values()), (method, path, status)


def untyped_parts(schema, where="", components=None):
    """Places in a schema that say nothing of their shape: {} or a bare object."""
    if isinstance(schema, dict):
        keys = set(schema) - {"description", "example", "examples", "nullable", "readOnly", "writeOnly", "deprecated"}
        if not keys:
            yield where or "(root)"
        elif schema.get("type") == "object" and not ({"properties", "additionalProperties"} & keys):
            yield where
        elif schema.get("additionalProperties") in ({}, True) and "properties" not in schema:
            yield f"{where}/additionalProperties"
        for key, value in schema.items():
            if key in ("properties",):
                for name, sub in value.items():
                    yield from untyped_parts(sub, f"{where}/{name}")
            elif key in ("items", "additionalProperties") and isinstance(value, dict) and value:
                yield from untyped_parts(value, f"{where}/{key}")
            elif key in ("anyOf", "oneOf", "allOf", "prefixItems"):
                for i, sub in enumerate(value):
                    yield from untyped_parts(sub, f"{where}/{key}/{i}")


def test_no_response_schema_has_an_untyped_part(spec):
    """Swagger UI shows `{}` and a generated client an untyped dict wherever the document says nothing."""
    found = []
    for name, schema in spec["components"]["schemas"].items():
        if name in ("Error", "BarcodeNotFoundError", "PaginationMetadata", "AnswerEntry"):
            continue  # Error.errors (and its extension's) is free-form by contract; AnswerEntry passes unknown keys
        found += [f"{name}{where}" for where in untyped_parts(schema)]
    assert found == []


def test_nullable_objects_are_a_reference_or_null(spec):
    barcode = spec["components"]["schemas"]["BarcodeOut"]["properties"]
    for name, target in (("rating", "RatingOut"), ("brand", "BrandSummary"), ("product", "ProductOut")):
        assert barcode[name]["anyOf"] == [{"$ref": f"#/components/schemas/{target}"}, {"type": "null"}]
    assert '"type": "object", "nullable"' not in str(spec)


def test_if_match_is_a_required_header_on_every_write_that_needs_it(spec):
    needing = {("put", "/v1/assessments/{assessment_id}/answers"), ("put", "/v1/assessments/{assessment_id}/answers/{indicator}"),
               ("put", "/v1/assessments/{assessment_id}/answers/{indicator}/{stage}"), ("post", "/v1/assessments/{assessment_id}/submit"),
               ("post", "/v1/assessments/{assessment_id}/return"), ("post", "/v1/assessments/{assessment_id}/publish")}
    declared = {(method, path) for path, method, operation in operations(spec)
                for parameter in operation.get("parameters", []) if parameter["in"] == "header"
                and parameter["name"] == "If-Match" and parameter["required"]}
    assert needing <= declared
    for method, path in declared:
        assert "428" in spec["paths"][path][method]["responses"], (method, path)


def test_answers_body_documents_its_entry_shape(spec):
    schemas = spec["components"]["schemas"]
    body = schemas["AnswersReplace"]["properties"]["answers"]
    assert body["items"] == {"$ref": "#/components/schemas/AnswerEntry"}
    entry = schemas["AnswerEntry"]["properties"]
    assert {"indicator", "stage", "value", "evidence", "note"} <= set(entry)
    assert entry["evidence"]["items"] == {"$ref": "#/components/schemas/Evidence"}
    assert set(schemas["Evidence"]["required"]) == {"url", "source_type"}


def test_api_description_says_what_it_is_how_to_authenticate_errors_and_caching(spec):
    description = spec["info"]["description"]
    for needed in ("forced", "Authorization: Bearer", "ratings users create", '"code"', "ETag", "If-None-Match", "304",
                   "If-Match", "428", "Cache-Control", "/v1/changes"):
        assert needed in description, needed


def test_every_public_operation_has_an_example_that_matches_its_schema(spec):
    for path, method, operation in operations(spec):
        if "security" in operation:
            continue
        ok = (operation["responses"].get("200") or operation["responses"]["202"])["content"]  # 202: a rating request
        media = next(iter(ok.values()))
        assert "example" in media, (method, path)


def test_every_operation_answers_what_the_document_says(writable_demo_url, make_app, spec, tmp_path):
    """Realistic calls to every operation, successes and errors; the contract client validates each response."""
    demo_url = writable_demo_url
    client = make_app(demo_url, RATE_LIMITS_ENABLED=False, EXPORT_DIR=str(tmp_path / "exports")).test_client()
    calls = exercise(client, tokens_for(demo_url))
    called = {(method.lower(), client.application.url_map.bind("localhost").match(
        path.split("?")[0], method=method, return_rule=True)[0].rule) for method, path, _ in calls}
    documented = {(method, path.replace("{", "<").replace("}", ">")) for path, method, _ in operations(spec)}
    missing = {(m, p) for m, p in documented
               if not any(cm == m and _same_rule(cp, p) for cm, cp in called)}
    assert missing == set()


def _same_rule(rule: str, template: str) -> bool:
    import re

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", rule) == template


def test_a_response_with_an_undocumented_key_is_caught(app):
    class Fake:
        status_code, mimetype, is_streamed, headers = 200, "application/json", False, {}

        @staticmethod
        def get_data():
            return b'{"status": "ok", "surprise": 1}'

    with pytest.raises(ContractViolation, match="surprise"):
        check_response(app, "GET", "/healthz", Fake())


def test_examples_are_what_the_demo_answers_and_match_their_schemas(demo_url, make_app, tmp_path):
    """api/examples.json is the demo's real responses (lists cut short); they validate like any response."""
    import json
    import os

    from api.openapi import examples
    from tests.api.openapi_examples import EXAMPLES_FILE, build_examples, volatile

    client = make_app(demo_url, EXPORT_DIR=str(tmp_path / "exports")).test_client()
    built = build_examples(client)
    if os.environ.get("RATINGS_WRITE_EXAMPLES") == "1":
        EXAMPLES_FILE.write_text(json.dumps(built, indent=1, ensure_ascii=False) + "\n")
        examples.cache_clear()
    assert volatile(examples()) == volatile(built), "rebuild them: see tests/api/openapi_examples.py"
    spec = client.get("/v1/openapi.json").get_json()
    for path, method, operation in operations(spec):
        for media_type, media in operation["responses"].get("200", {}).get("content", {}).items():
            if "example" in media and media_type == "application/json":
                errors = list(_validator(path, method, "200").iter_errors(media["example"]))
                assert errors == [], (path, [e.message for e in errors[:3]])


def test_a_generated_client_reads_rating_grade_as_a_typed_attribute(demo_client, tmp_path, monkeypatch):
    """openapi-python-client builds a client from the document; it parses a real barcode answer of the demo."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(demo_client.get("/v1/openapi.json").get_json()))
    bin_dir = str(Path(sys.executable).parent)  # the generator formats its output with ruff, installed beside it
    generated = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec), "--meta", "none",
         "--output-path", str(tmp_path / "ratings_client")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    models = __import__("ratings_client.models", fromlist=["BarcodeOut", "RatingOut"])

    body = demo_client.get("/v1/barcodes/5091997966733").get_json()
    barcode = models.BarcodeOut.from_dict(body)
    assert isinstance(barcode.rating, models.RatingOut)
    assert barcode.rating.grade == body["rating"]["grade"]
    assert models.RatingOut.__annotations__["grade"] in (str, "str")  # typed, not an untyped dict
    assert str(models.BarcodeOut.__annotations__["rating"]).replace(" ", "") in ("None|RatingOut", "RatingOut|None")
    assert barcode.rating.categories.additional_properties["policies"].grade == body["rating"]["categories"]["policies"]["grade"]
    assert barcode.brand.company.slug == body["brand"]["company"]["slug"]


def test_docs_page_and_its_assets_are_served_from_this_server(client):
    page = client.get("/docs")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.get_data()
    assert b"https://" not in page.get_data()  # nothing from a CDN
    assert "cdn" not in page.headers["Content-Security-Policy"]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        response = client.get(f"/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.get_data()) > 10_000, asset
    assert client.get("/docs/assets/../../pyproject.toml").status_code == 404


def test_every_property_of_every_response_is_described(spec):
    """What a client developer reads: each field of every object an operation answers says what it is."""
    schemas, seen, todo = spec["components"]["schemas"], set(), []
    for _, _, operation in operations(spec):
        todo += [m.get("schema", {}) for r in operation["responses"].values() for m in r.get("content", {}).values()]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] not in seen:
                seen.add(ref.rsplit("/", 1)[1])
                todo.append(schemas[ref.rsplit("/", 1)[1]])
            todo += list(node.values())
        elif isinstance(node, list):
            todo += node
    undescribed = [f"{name}.{prop}" for name in sorted(seen) for prop, value in schemas[name].get("properties", {}).items()
                   if "description" not in value]
    assert {"RatingOut", "PortalScorecardOut", "ResultOut"} <= seen and undescribed == []
