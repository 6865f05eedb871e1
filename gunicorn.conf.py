"""gunicorn settings, read automatically from the checkout: `gunicorn wsgi:app`."""

import os

bind = os.environ.get("CONSULT_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("CONSULT_WORKERS", "2"))
# Threads: a request that waits (on SQLite's write lock, on PostgreSQL, on a slow client) no longer
# holds a whole worker, and connections are kept alive. Two, not four: a thread that holds the SQLite
# writers' lock gives up the GIL inside each SQLite call and may wait a whole switch interval (5 ms)
# to get it back from a sibling thread, while the other worker's posts queue on the lock. The figures
# (bench/bench_load.py --only posting, CONSULT_THREADS 2 against 4) are in the README, "Load and durability".
# CONSULT_WORKER_CLASS=sync puts back one request at a time per worker.
worker_class = os.environ.get("CONSULT_WORKER_CLASS", "gthread")
threads = int(os.environ.get("CONSULT_THREADS", "2"))
timeout = 60
# Addresses are never logged: the access log keeps the request line, status and timing only.
accesslog = "-"
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    # Compile the screening patterns before the first answer arrives (about a second otherwise).
    from consult.moderation.screening import screen

    screen("warm up")
