"""gunicorn's settings for OpenLeDeR's web process (docs/deployment.md):

    gunicorn -c deploy/gunicorn.conf.py

Run it behind a reverse proxy that terminates TLS (deploy/nginx.conf.example). Every value can
be changed from the environment without editing this file.
"""

import multiprocessing
import os

wsgi_app = "leder.config.wsgi:application"

# Where the proxy reaches gunicorn. A Unix socket (unix:/run/leder/web.sock) or loopback only:
# never expose gunicorn itself to the network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: each request holds one process. Background work (reports, exports,
# e-mail) runs in the task worker, so requests are short. gunicorn also reads WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Recycle workers now and then so a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10

# Refuse over-long request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Errors go to stderr (the journal). The access log is off by default: the proxy keeps one, and
# paths carry single-use upload tokens (/records/upload/<token>) that should not be copied into
# a second log. GUNICORN_ACCESS_LOG=- turns it on (to stderr).
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Only the proxy on this machine may say the request came over HTTPS (X-Forwarded-Proto).
# The client address for rate limits is Django's business (TRUSTED_PROXY_COUNT), not gunicorn's.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "leder-web"
