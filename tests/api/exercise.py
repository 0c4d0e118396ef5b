"""Every operation of the API, called with realistic requests on the demo catalog, successes and errors.

Used by tests/api/test_openapi.py: each response it gets must match the OpenAPI document.
"""

from __future__ import annotations

from sqlmodel import Session

from ratings import users
from ratings.db import make_engine, transaction

PREFIX_ONLY_GTIN = "5601874000001"  # the prefix 5601874 is registered, no product carries this GTIN
ANSWERS = [
    {"indicator": "POL-1", "value": "yes", "evidence": [{"url": "https://nordvik.example/policy.pdf", "source_type": "public"}],
     "note": "analyst-only working note"},
    {"indicator": "TT-1", "stage": "raw_materials", "value": 80},
    {"indicator": "TT-1", "stage": "inputs", "value": "na"},
]


def tokens_for(url: str) -> dict[str, str]:
    engine = make_engine(url)
    tokens = {}
    with Session(engine) as session, transaction(session):
        for role in ("analyst", "reviewer", "admin"):
            _, tokens[role] = users.create_user(session, email=f"exercise-{role}@example.org", role=role)
        _, tokens["company"] = users.create_user(session, email="exercise-company@example.org", role="company",
                                                 company="brindlecourt-group-plc")
    engine.dispose()
    return tokens


def exercise(client, tokens: dict[str, str]) -> list[tuple[str, str, object]]:
    """(method, path, response) of every call made, in order."""
    calls = []

    def call(method, path, status, role=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if role:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        response = client.open(path, method=method, headers=headers, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.get_data(as_text=True)[:500])
        calls.append((method, path, response))
        return response

    # Public reads
    product = "5091997966733"
    first = call("GET", f"/v1/barcodes/{product}", 200)
    call("GET", f"/v1/barcodes/{product}", 304, headers={"If-None-Match": first.headers["ETag"]})
    call("GET", f"/v1/barcodes/{PREFIX_ONLY_GTIN}", 200)
    call("GET", "/v1/barcodes/12345", 400)
    call("GET", "/v1/barcodes/0001234567895", 404)
    call("GET", "/v1/barcodes/2000000000008", 422)
    call("GET", "/v1/brands?q=brindle", 200)
    call("GET", "/v1/brands?industry=apparel&grade_min=C&page=1&page_size=5", 200)
    call("GET", "/v1/brands?grade_min=Q", 422)
    call("GET", "/v1/brands?industry=nope", 404)
    call("GET", "/v1/brands/brindlecourt", 200)
    call("GET", "/v1/brands/nope", 404)
    call("GET", "/v1/companies/brindlecourt-group-plc", 200)
    call("GET", "/v1/companies/nope", 404)
    call("GET", "/v1/industries", 200)
    call("GET", "/v1/industries/apparel", 200)
    call("GET", "/v1/industries/nope", 404)
    call("GET", "/v1/methodologies/f2w-2026", 200)
    call("GET", "/v1/methodologies/nope", 404)
    call("GET", "/v1/methodologies/f2w-2026/2026.1/file", 200)
    call("GET", "/v1/methodologies/f2w-2026/1999.1/file", 404)
    rating = call("GET", "/v1/brands/brindlecourt", 200).get_json()["rating"]["id"]
    call("GET", f"/v1/ratings/{rating}/inputs", 200)
    call("GET", "/v1/ratings/999999/inputs", 404)
    call("GET", "/healthz", 200)
    call("GET", "/readyz", 200)
    version = int(call("GET", "/v1/export", 200, headers={"Accept-Encoding": "identity"}).headers["X-Catalog-Version"])
    call("GET", "/v1/changes", 422)

    # Rating requests: anonymous asks, analysts read the demand
    call("POST", "/v1/rating-requests", 202, json={"gtin": "0001234567895"})
    call("POST", "/v1/rating-requests", 202, json={"gtin": "0001234567895"})  # counted once a day: counted false
    call("POST", "/v1/rating-requests", 400, json={"gtin": "12345"})
    call("POST", "/v1/rating-requests", 404, json={"brand": "nope"})
    call("POST", "/v1/rating-requests", 422, json={"gtin": "0001234567895", "brand": "brindlecourt"})
    call("GET", "/v1/rating-requests", 401)
    call("GET", "/v1/rating-requests", 403, role="company")
    call("GET", "/v1/rating-requests?type=gtin", 200, role="analyst")
    call("GET", "/v1/rating-requests?type=nope", 422, role="analyst")

    # Catalog writes
    call("POST", "/v1/companies", 401, json={"name": "Nordvik & Co"})
    call("POST", "/v1/companies", 403, role="company", json={"name": "Nordvik & Co"})
    call("POST", "/v1/companies", 201, role="analyst", json={"name": "Nordvik & Co", "country": "NO"})
    call("POST", "/v1/companies", 409, role="analyst", json={"name": "Nordvik", "slug": "nordvik-co"})
    call("POST", "/v1/companies", 422, role="analyst", json={"name": ""})
    call("PATCH", "/v1/companies/nordvik-co", 200, role="analyst", json={"website": "https://nordvik.example"})
    call("POST", "/v1/brands", 201, role="analyst",
         json={"name": "Nordvik", "company": "nordvik-co", "industry": "apparel", "aliases": ["Nordvik and Co"]})
    call("PATCH", "/v1/brands/nordvik", 200, role="analyst", json={"aliases": ["Nordvik and Co", "Nordvik Wool"]})
    call("POST", "/v1/products", 201, role="analyst", json={"gtin": "4006381333931", "name": "Wool sweater", "brand": "nordvik"})
    call("POST", "/v1/products", 400, role="analyst", json={"gtin": "4006381333932", "name": "Broken", "brand": "nordvik"})
    call("POST", "/v1/products", 201, role="analyst", json={"gtin": "96385074", "name": "Wool socks", "brand": "nordvik"})
    call("DELETE", "/v1/products/96385074", 204, role="analyst")
    call("POST", "/v1/companies/nordvik-co/gs1-prefixes", 201, role="analyst", json={"prefix": "7071234"})
    records = [{"stage": s, "good": "Wool", "country": "NO"} for s in ("raw_materials", "inputs")]
    records.append({"stage": "final_manufacturing", "disclosed": False})
    call("PUT", "/v1/companies/nordvik-co/sourcing", 200, role="analyst", json={"records": records})
    call("GET", f"/v1/changes?since={version}", 200)
    call("GET", "/v1/changes?since=999999999", 410)

    # Assessments and publishing
    created = call("POST", "/v1/assessments", 201, role="analyst", json={"company": "nordvik-co", "cycle_year": 2026})
    aid = created.get_json()["id"]
    call("GET", f"/v1/assessments/{aid}", 200, role="reviewer")
    call("PUT", f"/v1/assessments/{aid}/answers", 428, role="analyst", json={"answers": ANSWERS})
    call("PUT", f"/v1/assessments/{aid}/answers", 412, role="analyst", json={"answers": ANSWERS},
         headers={"If-Match": '"assessment-0-v0"'})
    call("PUT", f"/v1/assessments/{aid}/answers", 422, role="analyst", json={"answers": [{"indicator": "NOPE"}]},
         headers={"If-Match": created.headers["ETag"]})
    written = call("PUT", f"/v1/assessments/{aid}/answers", 200, role="analyst", json={"answers": ANSWERS},
                   headers={"If-Match": created.headers["ETag"]})
    call("GET", f"/v1/assessments/{aid}/preview", 200, role="reviewer")
    one = f"/v1/assessments/{aid}/answers/POL-1"
    evidence = [{"url": "https://nordvik.example/policy-2.pdf", "source_type": "public"}]
    call("PUT", one, 428, role="analyst", json={"value": "partial"})
    saved = call("PUT", one, 200, role="analyst", json={"value": "partial", "evidence": evidence},
                 headers={"If-Match": f'"answer-{aid}-POL-1-_-v1"'})
    call("PUT", one, 412, role="analyst", json={"value": "no"}, headers={"If-Match": f'"answer-{aid}-POL-1-_-v1"'})
    call("PUT", one, 422, role="analyst", json={"value": "maybe"}, headers={"If-Match": saved.headers["ETag"]})
    call("PUT", f"/v1/assessments/{aid}/answers/POL-3/inputs", 200, role="analyst", json={"value": "yes", "evidence": evidence},
         headers={"If-Match": f'"answer-{aid}-POL-3-inputs-v0"'})
    call("PUT", f"/v1/assessments/{aid}/answers/POL-3/inputs", 200, role="analyst", json={"value": None},
         headers={"If-Match": "*"})
    call("PUT", f"/v1/assessments/{aid}/answers/POL-1", 403, role="reviewer", json={"value": "no"}, headers={"If-Match": "*"})
    written = call("GET", f"/v1/assessments/{aid}", 200, role="analyst")
    call("GET", "/v1/assessments?status=draft&author=me", 200, role="analyst")
    call("GET", "/v1/assessments?company=nope", 404, role="reviewer")
    call("GET", "/v1/assessments?status=nope", 422, role="reviewer")
    call("GET", "/v1/assessments", 403, role="company")
    submitted = call("POST", f"/v1/assessments/{aid}/submit", 200, role="analyst", headers={"If-Match": written.headers["ETag"]})
    returned = call("POST", f"/v1/assessments/{aid}/return", 200, role="reviewer", json={"comment": "Evidence for TT-1?",
                                                                           "comments": [{"indicator": "TT-1", "stage": "raw_materials", "text": "Source?"}]},
                    headers={"If-Match": submitted.headers["ETag"]})
    submitted = call("POST", f"/v1/assessments/{aid}/submit", 200, role="analyst", headers={"If-Match": returned.headers["ETag"]})
    call("POST", f"/v1/assessments/{aid}/publish", 403, role="analyst")
    call("POST", f"/v1/assessments/{aid}/publish", 428, role="reviewer")
    call("POST", f"/v1/assessments/{aid}/publish", 412, role="reviewer", headers={"If-Match": written.headers["ETag"]})
    published = call("POST", f"/v1/assessments/{aid}/publish", 201, role="reviewer",
                     headers={"If-Match": submitted.headers["ETag"]})
    rating = published.get_json()["rating"]
    call("POST", f"/v1/assessments/{aid}/publish", 409, role="reviewer", headers={"If-Match": "*"})
    call("GET", "/v1/barcodes/4006381333931", 200)
    call("GET", "/v1/brands/nordvik", 200)

    # Portal and replies
    call("GET", "/v1/portal/scorecard", 200, role="company")
    company_rating = call("GET", "/v1/companies/brindlecourt-group-plc", 200).get_json()["rating"]["id"]
    reply = call("POST", "/v1/portal/replies", 201, role="company", json={"rating": company_rating, "text": "We trace wool."})
    call("POST", "/v1/portal/replies", 404, role="company", json={"rating": rating, "text": "Not ours."})
    call("GET", "/v1/replies?status=pending", 200, role="reviewer")
    call("GET", "/v1/replies?status=nope", 422, role="reviewer")
    call("GET", "/v1/replies", 403, role="analyst")
    call("POST", f"/v1/replies/{reply.get_json()['id']}/accept", 200, role="reviewer")
    call("POST", f"/v1/replies/{reply.get_json()['id']}/accept", 409, role="reviewer")
    call("POST", f"/v1/replies/{reply.get_json()['id']}/reject", 409, role="reviewer", json={"reason": "Decided."})
    second = call("POST", "/v1/portal/replies", 201, role="company", json={
        "rating": company_rating, "text": "Audits are public.", "indicators": ["POL-1"],
        "evidence": ["https://example.org/audits"]}).get_json()["id"]
    call("POST", "/v1/portal/replies", 422, role="company", json={"rating": company_rating, "text": "x", "indicators": ["NOPE-9"]})
    call("POST", f"/v1/replies/{second}/reject", 422, role="reviewer", json={"reason": " "})
    call("POST", f"/v1/replies/{second}/reject", 403, role="company", json={"reason": "Mine."})
    call("POST", f"/v1/replies/{second}/reject", 200, role="reviewer", json={"reason": "The link shows no audit."})
    call("POST", "/v1/replies/999999/reject", 404, role="reviewer", json={"reason": "Gone."})
    call("GET", "/v1/brands/brindlecourt", 200)

    # Grade-moving changes are proposals, decided by a second person
    call("POST", "/v1/companies", 201, role="analyst", json={"name": "Nordvik Holding", "country": "NO"})
    moved = call("PATCH", "/v1/brands/nordvik", 202, role="analyst", json={"company": "nordvik-holding"}).get_json()
    prefix = call("POST", "/v1/companies/nordvik-co/gs1-prefixes", 202, role="analyst", json={"prefix": "7079876"}).get_json()
    call("POST", "/v1/companies/nordvik-co/gs1-prefixes", 409, role="analyst", json={"prefix": "7071234"})
    call("GET", "/v1/proposals?status=pending", 200, role="reviewer")
    call("GET", "/v1/proposals?status=nope", 422, role="reviewer")
    call("GET", "/v1/proposals", 403, role="analyst")
    call("GET", f"/v1/proposals/{moved['id']}", 200, role="admin")
    call("GET", "/v1/proposals/999999", 404, role="reviewer")
    call("POST", f"/v1/proposals/{moved['id']}/approve", 200, role="reviewer")
    call("POST", f"/v1/proposals/{moved['id']}/approve", 409, role="reviewer")
    call("POST", f"/v1/proposals/{prefix['id']}/reject", 422, role="reviewer", json={})
    call("POST", f"/v1/proposals/{prefix['id']}/reject", 200, role="reviewer", json={"reason": "Not their prefix."})
    call("GET", "/v1/brands/nordvik", 200)

    # Upstream matches: only a fuzzy one waits for confirmation
    call("POST", "/v1/products/4006381333931/confirm", 409, role="analyst", json={})
    call("POST", "/v1/products/4006381333955/confirm", 404, role="analyst", json={})

    # Withdrawal: an admin proposes, a reviewer (or another admin) approves
    withdrawal = call("POST", f"/v1/ratings/{rating}/withdraw", 202, role="admin",
                      json={"reason": "Evidence found to be forged."}).get_json()
    call("POST", f"/v1/ratings/{rating}/withdraw", 409, role="admin", json={"reason": "Again."})
    call("POST", f"/v1/proposals/{withdrawal['id']}/approve", 403, role="admin")
    call("POST", f"/v1/proposals/{withdrawal['id']}/approve", 200, role="reviewer")
    call("POST", f"/v1/ratings/{rating}/withdraw", 409, role="admin", json={"reason": "Again."})
    call("GET", "/v1/brands/nordvik", 200)

    # Imports
    document = {"companies": [{"slug": "fjell", "name": "Fjell"}],
                "brands": [{"slug": "fjell", "name": "Fjell", "company": "fjell", "industry": "apparel"}]}
    call("POST", "/v1/imports", 200, role="analyst", json=document)
    csv = "gtin,name,brand\n4006381333948,Sweater,fjell\n"
    call("POST", "/v1/imports?kind=products", 200, role="analyst", data=csv, content_type="text/csv")
    call("POST", "/v1/imports?kind=products", 422, role="analyst", data=csv.replace("48,", "49,"), content_type="text/csv")
    call("POST", "/v1/imports", 400, role="analyst", data="{nope", content_type="application/json")
    return calls
