"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Each worker is a stateless process with its own database pool; PostgreSQL and Redis are shared
by every worker on every host, so any number of these can run behind any load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers: a sync worker is tied up by one slow client (a half-sent request holds it until the
# client gives up), so a few slow or malicious sockets would stall every worker. With gthread a worker
# serves `threads` requests at once and idle keep-alive connections wait in its poller, not in a thread.
# In production a buffering proxy (nginx) in front still absorbs slow clients entirely (README).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"

timeout = 30  # a worker silent this long is killed and replaced
graceful_timeout = 30  # on SIGTERM/SIGHUP, in-flight requests get this long to finish
keepalive = 5
max_requests = 20_000  # recycle workers now and then, so a slow leak never grows without bound
max_requests_jitter = 2_000

accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
# One JSON object per request, for log pipelines.
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s",'
    '"status":%(s)s,"bytes":"%(B)s","duration_ms":%(M)s,"agent":"%(a)s","request_id":"%({x-request-id}i)s"}'
)
