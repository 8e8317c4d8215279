"""gunicorn in production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value can be changed from the environment (docs/operations.md, "Deploying").
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: each handles one request at a time, with its own database connection. The
# usual 2 * cores + 1, capped so a large machine does not open more connections than
# PostgreSQL allows (each worker keeps one open, DJANGO_CONN_MAX_AGE).
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
# A request still running after this many seconds is killed (and its worker restarted).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a reload or stop, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Seconds an idle keep-alive connection from the proxy is held open.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Each worker is replaced after about this many requests (jittered so they do not all restart
# at once): a slow leak in any library never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# The proxy's address: only its X-Forwarded-* headers are believed. gunicorn's own default
# (127.0.0.1,::1) fits a proxy on the same machine; FORWARDED_ALLOW_IPS overrides it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# One line per request on stdout (the error log goes to stderr), with the time taken in ms.
# RedactingLogger replaces private tokens in every value, Referer included.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
logger_class = "config.gunicorn_logger.RedactingLogger"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's control socket is off: systemd's signals (reload, stop) manage the server.
control_socket_disable = True

# Django refuses a Content-Type header over 10,000 characters while it builds the request, before
# any middleware, which the server can only answer with a 500. Gunicorn's own limit (8,190 bytes
# a header) answers 400 first: never raise it past 10,000.
limit_request_field_size = 8190
