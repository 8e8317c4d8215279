"""Batchwise settings: one module, configured through the environment.

With DJANGO_DEBUG off (the default) a missing DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS stops
start-up, so a production deployment can never run on a development secret.
"""

import datetime as dt
import os
import tempfile
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_required(name: str, *, dev_default: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(
        f"{name} must be set when DJANGO_DEBUG is off (see README, 'Deploying')."
    )


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = env_required("DJANGO_SECRET_KEY", dev_default="insecure-development-only-key")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off, "
            "e.g. DJANGO_ALLOWED_HOSTS=courses.example.com"
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "import_export",
    "simple_history",
    "axes",
    "courses",
    "enquiries",
]

MIDDLEWARE = [
    # First: a load balancer's probe is answered whatever Host it sends, over plain HTTP.
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below the HTTPS redirect, above the compression: the public pages, cached and
    # validated (courses/page_cache.py; docs/operations.md, "Page cache").
    "courses.page_cache.PublicPageMiddleware",
    # After WhiteNoise, whose static files are compressed already; before everything that
    # writes a body. The pages, CSRF tokens included, are compressed here: Django masks each
    # token per response and pads each gzip response with random bytes against BREACH
    # (docs/operations.md, "Compression").
    "django.middleware.gzip.GZipMiddleware",
    # Before sessions and auth, which need the database: a plain 503 when it is unreachable.
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "enquiries.middleware.AttributionMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "config.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite is the zero-set-up default; production uses PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two requests that both
    # read-then-write serialise instead of failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not shared-cache memory: threads then queue on the write lock as in
    # production instead of failing with "table is locked". One file per test run.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"batchwise-test-{os.getpid()}.sqlite3")
    }
else:
    # Persistent connections, checked before reuse.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "600"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes and whitenoise serves from; the benchmark points it at a temporary
# directory so it never touches the deploy's own.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# Bootstrap comes from the npm registry (package.json) and is served by us, never a CDN: its
# JavaScript as shipped, its CSS compiled into ours (`make css`, docs/design.md).
STATICFILES_DIRS = [
    ("vendor/bootstrap/js", BASE_DIR / "node_modules" / "bootstrap" / "dist" / "js"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and `runserver` without collectstatic: let whitenoise find files through the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Email: SMTP when EMAIL_HOST is set, otherwise printed to the console (development).
_email_host = os.environ.get("EMAIL_HOST", "")
# Seconds each step of an SMTP conversation may wait (not Django's deprecated EMAIL_TIMEOUT).
SMTP_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
if _email_host:
    _email_port = int(os.environ.get("EMAIL_PORT", "587"))
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": _email_port,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=_email_port == 587),
                "use_ssl": env_bool("EMAIL_USE_SSL", default=_email_port == 465),
                "timeout": SMTP_TIMEOUT,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Batchwise <courses@localhost>")
# Who is emailed a server error (500), with its traceback: "Ada <ada@example.com>, ops@…".
ADMINS = [address for _, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")]) if address]
# The sender of those error emails.
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Where new-enquiry notifications go when the enquiry has no owner.
ENQUIRY_NOTIFY_EMAIL = os.environ.get("ENQUIRY_NOTIFY_EMAIL", "")
# Absolute links in emails (to the admin, to the schedule).
SITE_URL = os.environ.get("BATCHWISE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A reminder goes out this many hours before a batch's first session and each one-on-one session.
REMINDER_HOURS = int(os.environ.get("BATCHWISE_REMINDER_HOURS", "24"))
if REMINDER_HOURS < 1:
    raise ImproperlyConfigured("BATCHWISE_REMINDER_HOURS must be at least 1.")
# Delivery attempts before an email is marked failed (backoff doubles from a minute).
EMAIL_MAX_ATTEMPTS = int(os.environ.get("BATCHWISE_EMAIL_MAX_ATTEMPTS", "8"))
# A claimed email whose worker died is offered again this many seconds after the claim. It
# must outlast the slowest send, or an email still being sent would be sent twice: one send is
# up to ten SMTP steps (connect, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, the message, QUIT),
# each waiting up to EMAIL_TIMEOUT.
SMTP_STEPS_PER_SEND = 10
EMAIL_CLAIM_TIMEOUT = int(os.environ.get("BATCHWISE_EMAIL_CLAIM_TIMEOUT", "900"))
if EMAIL_CLAIM_TIMEOUT <= SMTP_STEPS_PER_SEND * SMTP_TIMEOUT:
    raise ImproperlyConfigured(
        f"BATCHWISE_EMAIL_CLAIM_TIMEOUT ({EMAIL_CLAIM_TIMEOUT}s) must be longer than "
        f"{SMTP_STEPS_PER_SEND} x EMAIL_TIMEOUT ({SMTP_STEPS_PER_SEND * SMTP_TIMEOUT}s)."
    )
# A task row still "running" this many seconds after it started belongs to a worker that died
# (kill -9, a lost machine); `recover_stuck_tasks` marks it failed. Longer than any task runs.
TASK_STUCK_AFTER = int(os.environ.get("BATCHWISE_TASK_STUCK_AFTER", "3600"))

# Privacy (docs/privacy.md): where data requests go (default: DEFAULT_FROM_EMAIL's address),
# and the days after its last activity that a lead who never became a learner is anonymised
# by `manage.py anonymise_old_leads` (0 or empty: never).
PRIVACY_CONTACT_EMAIL = os.environ.get("BATCHWISE_PRIVACY_CONTACT_EMAIL", "")
LEAD_RETENTION_DAYS = int(os.environ.get("BATCHWISE_LEAD_RETENTION_DAYS", "730") or 0)

# Exports need the "export" permission (enquiries.export_enquiry), given to the Sales group.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Control characters a learner pasted (a vertical tab, a form feed) cannot be stored in XLSX:
# they are written as U+FFFD instead of failing the whole export.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# The logo beside the site name in the header: a URL (empty: the bundled mark,
# batchwise/favicon.svg). An off-site logo's origin is allowed as an image source.
BATCHWISE_LOGO_URL = os.environ.get("BATCHWISE_LOGO_URL", "")
_logo = urlsplit(BATCHWISE_LOGO_URL)
_LOGO_ORIGINS = [f"{_logo.scheme}://{_logo.netloc}"] if _logo.scheme in {"http", "https"} else []

# A strict policy: no inline scripts or styles anywhere on the public site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_LOGO_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS in production: DJANGO_SECURE_SSL_REDIRECT=1 also marks the cookies secure.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "DJANGO_SECURE_COOKIES", default=SECURE_SSL_REDIRECT
)
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS: a site that redirects every request to HTTPS already serves nothing over HTTP, so
# browsers are told to skip the insecure first request for a year. Subdomains and preloading
# reach beyond this host and are hard to undo: each is off until set.
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if SECURE_SSL_REDIRECT else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
# Preloading is a deliberate, near-permanent step (and only for a registrable domain, never a
# subdomain like courses.example.com): off is a decision, not something to be warned about.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

SITE_NAME = os.environ.get("BATCHWISE_SITE_NAME", "Batchwise")
# The provider's identity (docs/design.md); the logo is BATCHWISE_LOGO_URL, above the CSP.
# The primary colour, #rrggbb (empty: the one built into the stylesheet), served as /brand.css.
BATCHWISE_BRAND_COLOR = os.environ.get("BATCHWISE_BRAND_COLOR", "")
# In every page's footer; an empty one is left out. The defaults are the demo's, fictional.
BATCHWISE_CONTACT_EMAIL = os.environ.get("BATCHWISE_CONTACT_EMAIL", "hello@batchwise.example")
BATCHWISE_CONTACT_PHONE = os.environ.get("BATCHWISE_CONTACT_PHONE", "+44 20 7946 0000")
BATCHWISE_CONTACT_ADDRESS = os.environ.get(
    "BATCHWISE_CONTACT_ADDRESS", "1 Example Street, London EC1A 1AA, United Kingdom"
)

# /healthz reports "degraded" (still 200: a web node is fine when the worker is behind) when the
# oldest due email or ready task has waited longer than this many seconds.
HEALTH_EMAIL_BEHIND_AFTER = int(os.environ.get("BATCHWISE_HEALTH_EMAIL_BEHIND_AFTER", "900"))
HEALTH_TASK_BEHIND_AFTER = int(os.environ.get("BATCHWISE_HEALTH_TASK_BEHIND_AFTER", "300"))

# One line per event on stderr, as text or (DJANGO_LOG_FORMAT=json) one JSON object per line.
LOGGING = logging_config(
    log_format=os.environ.get("DJANGO_LOG_FORMAT", "text"),
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
)
# The cache: Redis when REDIS_URL is set (shared by every process and host, which the rate
# limits need), else this process's memory (development, tests, one process).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "batchwise",
            # A slow or lost Redis must not hold requests: the rate limits then stand aside.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # The catalog's version must be the same for every process (courses/versions.py):
        # without Redis, in files every process on this machine reads.
        "versions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("BATCHWISE_VERSIONS_DIR")
            or str(BASE_DIR / "var" / "versions"),
        },
    }
# The public pages' fragments, in each process's memory: their keys hold the catalog's
# version from the shared cache, so no process serves one after a write (courses/page_cache.py).
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

# Rate limits of the public forms, "N/period" or "off" (docs/limits.md). Each one can be
# changed with its variable, e.g. BATCHWISE_RATE_LIMIT_ENQUIRY_IP=30/hour.
_RATE_LIMIT_DEFAULTS = {
    "enquiry": {"ip": "20/hour", "email": "3/hour"},
    "waitlist": {"ip": "20/hour", "email": "3/hour"},
    "one_on_one": {"ip": "10/hour", "email": "3/hour"},
    "contact": {"ip": "10/hour", "email": "3/hour"},
    "interest": {"ip": "10/hour", "email": "3/hour"},
    "time_zone": {"ip": "30/10m"},
}
BATCHWISE_RATE_LIMITS = {
    form: {
        kind: os.environ.get(f"BATCHWISE_RATE_LIMIT_{form.upper()}_{kind.upper()}", "") or rate
        for kind, rate in rates.items()
    }
    for form, rates in _RATE_LIMIT_DEFAULTS.items()
}
BATCHWISE_RATE_LIMITS_ENABLED = env_bool("BATCHWISE_RATE_LIMITS_ENABLED", default=True)
# The public pages' cache (courses/page_cache.py): stored copies on or off (the ETag, the
# 304s and the shared Cache-Control stay either way), how long an unasked-for copy is kept,
# and how long a proxy or CDN may serve one without asking.
BATCHWISE_PAGE_CACHE = env_bool("BATCHWISE_PAGE_CACHE", default=True)
# The kept fragments of those pages (courses/templatetags/catalog_cache.py): off, every page
# is rendered whole each time (measuring, or looking into a template).
BATCHWISE_FRAGMENT_CACHE = env_bool("BATCHWISE_FRAGMENT_CACHE", default=True)
BATCHWISE_PAGE_CACHE_SECONDS = int(os.environ.get("BATCHWISE_PAGE_CACHE_SECONDS", "600"))
BATCHWISE_SHARED_CACHE_SECONDS = int(os.environ.get("BATCHWISE_SHARED_CACHE_SECONDS", "30"))
# What names this deploy in the page cache's keys; by default a digest of the code,
# templates, static manifest and settings, so a deploy never serves the last one's pages.
BATCHWISE_RELEASE = os.environ.get("BATCHWISE_RELEASE", "")
# `make bench` only: serves /__hello__/, the framework's floor the public pages are measured
# against (docs/benchmarks.md). Off, the URL does not exist.
BATCHWISE_BENCH_HELLO = env_bool("BATCHWISE_BENCH_HELLO")

# The course page shows each batch's trainer (name and short bio); off for providers who
# don't name their trainers.
BATCHWISE_SHOW_TRAINERS = env_bool("BATCHWISE_SHOW_TRAINERS", default=True)
# How many proxies of ours append to X-Forwarded-For; the client's IP is the entry the
# outermost one added. 0 reads REMOTE_ADDR only (and the header is ignored).
BATCHWISE_TRUSTED_PROXIES = int(
    os.environ.get("BATCHWISE_TRUSTED_PROXIES", "")
    or ("1" if env_bool("DJANGO_BEHIND_PROXY") else "0")
)

# The public forms' time trap: a form sent sooner than this after it was shown is spam; one
# shown longer ago than the maximum is shown again to be sent again.
BATCHWISE_FORM_MIN_SECONDS = float(os.environ.get("BATCHWISE_FORM_MIN_SECONDS", "3"))
BATCHWISE_FORM_MAX_SECONDS = float(os.environ.get("BATCHWISE_FORM_MAX_SECONDS", "86400"))

# Admin login lockout (django-axes): failures counted per username and IP together, so a
# stranger cannot lock a colleague out from elsewhere, and one office's NAT is not one lock.
AXES_FAILURE_LIMIT = int(os.environ.get("BATCHWISE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=float(os.environ.get("BATCHWISE_LOGIN_COOLOFF_MINUTES", "30"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "courses.rate_limits.client_ip"
# A 429 page (templates/locked_out.html) with Retry-After, in place of axes' plain text.
AXES_LOCKOUT_CALLABLE = "enquiries.views.staff.locked_out"
# Failures and lockouts are still logged; not a banner from every process that starts.
AXES_VERBOSE = False
