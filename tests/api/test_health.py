"""Probes and the error contract for errors Flask raises by itself."""




def test_healthz_answers_while_the_process_is_up(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "cache": "ok"}


def test_readyz_is_ok_with_redis_as_the_cache(app_factory, redis_url):
    app = app_factory(CACHE_REDIS_URL=redis_url)
    assert app.config["CACHE_TYPE"].startswith("api.fallback_cache")
    assert app.test_client().get("/readyz").status_code == 200


def test_readyz_names_an_unreachable_cache(app_factory):
    client = app_factory(CACHE_REDIS_URL="redis://127.0.0.1:1/0").test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    body = response.get_json()
    assert (body["status"], body["code"]) == (503, "not_ready")
    assert body["errors"]["cache"].startswith("cache unreachable")


def test_an_unmigrated_database_is_refused_with_the_command_to_run(tmp_path):
    from api import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/empty.db", "TESTING": True})
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "ratings db upgrade" in ready.get_json()["message"]
    other = client.get("/anything")
    assert other.status_code == 503
    assert other.get_json()["code"] == "database_not_ready"
    assert "ratings db upgrade" in other.get_json()["message"]


def test_unknown_route_is_a_json_404(client):
    response = client.get("/no/such/route")
    assert response.status_code == 404
    assert response.get_json() == {"status": 404, "code": "not_found", "message": "Nothing is here. Check the address."}


def test_wrong_method_is_a_json_405(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.get_json()["code"] == "method_not_allowed"


def test_an_unexpected_exception_is_a_json_500_without_a_trace(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
