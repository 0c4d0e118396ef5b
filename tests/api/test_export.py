"""The offline bundle and delta sync: applying /v1/changes to an older bundle gives exactly the current one."""

import gzip
import json

import pytest

from tests.api.test_workflow_story import ANSWERS, auth, make_people, publish_assessment


def bundle(client, tmp_headers=None):
    response = client.get("/v1/export", headers=tmp_headers or {})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    lines = [json.loads(line) for line in gzip.decompress(response.get_data()).splitlines()]
    header, records = lines[0], lines[1:]
    return header["version"], {key(r): r for r in records}, response.headers["ETag"]


def key(record):
    return record["type"], record["slug" if record["type"] in ("company", "brand") else record["type"]]


def apply(state, delta):
    state = dict(state)
    for change in delta["changes"]:
        if change["op"] == "upsert":
            state[key(change["record"])] = change["record"]
        else:
            state.pop((change["type"], change["key"]), None)
    return state


def test_applying_the_changes_to_an_older_export_gives_the_current_export(writable_demo_url, app_factory, tmp_path):
    tokens = make_people(writable_demo_url, industry=False)
    client = app_factory(EXPORT_DIR=str(tmp_path / "exports")).test_client()
    analyst, reviewer, admin = auth(tokens["analyst"]), auth(tokens["reviewer"]), auth(tokens["admin"])
    old_version, old, etag = bundle(client)
    assert sum(1 for kind, _ in old if kind == "gtin") >= 200
    assert client.get("/v1/export", headers={"If-None-Match": etag}).status_code == 304

    # Every kind of change: a new company, brand, product and prefix; a rating published and one withdrawn;
    # a product removed and a brand renamed.
    client.post("/v1/companies", json={"name": "Nordvik & Co", "country": "NO"}, headers=analyst)
    client.post("/v1/brands", json={"name": "Nordvik", "company": "nordvik-co", "industry": "apparel"}, headers=analyst)
    assert client.post("/v1/products", json={"gtin": "4006381333931", "name": "Sweater", "brand": "nordvik"}, headers=analyst).status_code == 201
    client.post("/v1/companies/nordvik-co/gs1-prefixes", json={"prefix": "4006381"}, headers=analyst)
    records = [{"stage": s, "good": "Wool", "country": "NO"} for s in ("raw_materials", "inputs", "final_manufacturing")]
    client.put("/v1/companies/nordvik-co/sourcing", json={"records": records}, headers=analyst)
    publish_assessment(client, analyst, reviewer, ANSWERS)
    withdrawn = client.get("/v1/companies/tidewren-apparel-co").get_json()["rating"]["id"]
    proposal = client.post(f"/v1/ratings/{withdrawn}/withdraw", json={"reason": "Evidence retracted"}, headers=admin)
    assert proposal.status_code == 202  # two people: an admin proposes, a reviewer approves
    assert client.post(f"/v1/proposals/{proposal.get_json()['id']}/approve", headers=reviewer).status_code == 200
    removed = next(k for kind, k in old if kind == "gtin")
    assert client.delete(f"/v1/products/{removed}", headers=analyst).status_code == 204
    client.patch("/v1/companies/fernhollow-textiles", json={"name": "Fernhollow Textiles Ltd"}, headers=analyst)

    new_version, current, new_etag = bundle(client)
    assert new_version > old_version and new_etag != etag
    delta = client.get(f"/v1/changes?since={old_version}").get_json()
    assert delta["version"] == new_version
    assert apply(old, delta) == current
    assert ("gtin", removed) not in current and ("gtin", "04006381333931") in current
    assert current[("company", "tidewren-apparel-co")]["rating"] is None
    assert current[("brand", "nordvik")]["rating"]["grade"]
    assert client.get(f"/v1/changes?since={new_version}").get_json()["changes"] == []


@pytest.mark.parametrize("since", [-1, "abc"])
def test_a_malformed_version_is_422(demo_client, since):
    assert demo_client.get(f"/v1/changes?since={since}").status_code == 422


def test_a_version_from_the_future_says_resync(demo_client):
    response = demo_client.get("/v1/changes?since=99999999")
    assert (response.status_code, response.get_json()["code"]) == (410, "resync_required")
