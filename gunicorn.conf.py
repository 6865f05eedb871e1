"""gunicorn settings, read automatically from the checkout: `gunicorn wsgi:app`."""

import os

bind = os.environ.get("CONSULT_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("CONSULT_WORKERS", "2"))
# Threads: a request that waits (on SQLite's write lock, on PostgreSQL, on a slow client) no longer
# holds a whole worker, and connections are kept alive. Measured with bench/bench_load.py, 2 cores,
# 32 connections posting answers: see the README's production section. CONSULT_WORKER_CLASS=sync
# puts back one request at a time per worker.
worker_class = os.environ.get("CONSULT_WORKER_CLASS", "gthread")
threads = int(os.environ.get("CONSULT_THREADS", "4"))
timeout = 60
# Addresses are never logged: the access log keeps the request line, status and timing only.
accesslog = "-"
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    # Compile the screening patterns before the first answer arrives (about a second otherwise).
    from consult.moderation.screening import screen

    screen("warm up")
