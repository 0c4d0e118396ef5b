"""The OpenAPI document is generated from the code, validates, and documents every public route."""

from openapi_spec_validator import validate

PUBLIC_ROUTES = {
    "/v1/barcodes/{code}", "/v1/brands", "/v1/brands/{slug}", "/v1/companies/{slug}", "/v1/industries",
    "/v1/industries/{slug}", "/v1/methodologies/{methodology_id}", "/healthz", "/readyz",
}


def test_openapi_document_validates_and_lists_every_public_route(client):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert PUBLIC_ROUTES <= set(spec["paths"])


def test_every_documented_error_uses_our_error_schema(client):
    spec = client.get("/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "message"}
    assert error["properties"]["status"]["type"] == "integer"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) or status == "default":
                    assert "$ref" in response or "Error" in str(response), (path, method, status)


def test_docs_page_is_served(client):
    response = client.get("/docs")
    assert response.status_code == 200 and b"swagger" in response.get_data().lower()
