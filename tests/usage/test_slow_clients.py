"""Slow clients cannot stall the server: gunicorn as configured in gunicorn.conf.py (threaded workers) keeps
answering while three sockets sit on half-sent requests. With sync workers, two such sockets tie up a
two-worker server until its timeout."""

from __future__ import annotations

import shutil
import socket
import sys

import requests

from tests.usage.servers import ROOT, default_environment, free_port, server


def test_three_half_open_sockets_do_not_stall_a_two_worker_server(sqlite_demo_template, tmp_path):
    database = tmp_path / "demo.db"
    shutil.copy(sqlite_demo_template, database)
    port = free_port()
    env = default_environment(DATABASE_URL=f"sqlite:///{database}", INSTANCE_PATH=str(tmp_path / "instance"),
                              BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", ACCESS_LOG="-")
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    with server(command, cwd=ROOT, env=env, port=port, log=tmp_path / "gunicorn.log") as base:
        slow = []
        try:
            for _ in range(3):
                client = socket.create_connection(("127.0.0.1", port), timeout=5)
                client.sendall(b"GET /v1/industries HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slo")  # ...and nothing more
                slow.append(client)
            for path in ("/v1/industries", "/v1/brands?q=a", "/readyz"):
                response = requests.get(f"{base}{path}", timeout=10)  # sync workers: a timeout here
                assert response.status_code == 200, response.text
        finally:
            for client in slow:
                client.close()
