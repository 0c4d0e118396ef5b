"""Behind a trusted proxy, rate limits and the failed-token lockout key on the real client (X-Forwarded-For);
without one (TRUSTED_PROXY_COUNT=0, the default) the header is ignored, since any client can send it."""

PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the load balancer's address


def get(client, address, path="/v1/industries", **headers):
    return client.get(path, headers={"X-Forwarded-For": address, **headers}, environ_base=PROXY)


def test_two_clients_behind_one_trusted_proxy_get_separate_rate_limit_buckets(app_factory):
    client = app_factory(TRUSTED_PROXY_COUNT=1, RATE_LIMIT_DEFAULT="2 per minute").test_client()
    assert [get(client, "203.0.113.1").status_code for _ in range(3)] == [200, 200, 429]
    assert get(client, "203.0.113.2").status_code == 200  # another client, same proxy: its own bucket
    assert get(client, "198.51.100.7, 203.0.113.2").status_code == 200  # only the last hop is trusted
    assert get(client, "203.0.113.2").status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(app_factory):
    client = app_factory(RATE_LIMIT_DEFAULT="2 per minute").test_client()
    assert app_factory().config["TRUSTED_PROXY_COUNT"] == 0
    assert [get(client, f"203.0.113.{n}").status_code for n in (1, 2, 3)] == [200, 200, 429]  # one bucket: the proxy's


def test_the_failed_token_lockout_keys_on_the_real_client_behind_a_trusted_proxy(app_factory):
    client = app_factory(TRUSTED_PROXY_COUNT=1, AUTH_FAILURE_LIMIT="2 per minute").test_client()
    bad = {"Authorization": "Bearer not-a-token"}
    statuses = [get(client, "203.0.113.1", "/v1/assessments/1", **bad).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert get(client, "203.0.113.2", "/v1/assessments/1", **bad).status_code == 401  # not locked out by the other


def test_without_a_trusted_proxy_one_client_cannot_dodge_the_lockout_by_forging_the_header(app_factory):
    client = app_factory(AUTH_FAILURE_LIMIT="2 per minute").test_client()
    bad = {"Authorization": "Bearer not-a-token"}
    statuses = [get(client, f"203.0.113.{n}", "/v1/assessments/1", **bad).status_code for n in (1, 2, 3)]
    assert statuses == [401, 401, 429]
