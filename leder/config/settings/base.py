"""Settings shared by every environment. Anything that differs between machines is read from
the environment (see `leder.config.env`); nothing exists only in production settings."""

from datetime import date
from pathlib import Path

import dj_database_url
import nhsuk_frontend_jinja
from django.utils.csp import CSP

from leder.config.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "leder"
VAR_DIR = Path(env("LEDER_VAR_DIR", str(BASE_DIR / "var")))

# No default: production refuses to start without a proper key (leder.config.keys, ADR 0110);
# the demo and test settings set their own published ones.
SECRET_KEY = env("DJANGO_SECRET_KEY", "") or ""
DEBUG = False
# Demo-only conveniences (demo data, printed TOTP codes) need this on; only the demo settings
# turn it on.
LEDER_DEMO_MODE = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Before django_tasks_db: its `db_worker` command is replaced by one that writes a heartbeat.
    "leder.operations",
    "django_tasks_db",
    "leder.core",
    "leder.reference",
    "leder.organisations",
    "leder.accounts",
    "leder.notifications",
    "leder.casework",
    "leder.reviews",
    "leder.messaging",
    "leder.families",
    "leder.governance",
    "leder.analytics",
    "leder.reports",
    "leder.exports",
    "leder.api",
    "leder.imports",
    "leder.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # NUL, over-long values and over-large bodies are refused before anything reads them (the
    # refusal page still gets the security headers and the CSP above).
    "leder.core.edges.InputEdgeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "leder.accounts.middleware.IdleTimeoutMiddleware",
    "leder.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees what the views raise (NHS.UK 403 and 404 pages with DEBUG on).
    "leder.core.errors.ErrorPagesMiddleware",
]

ROOT_URLCONF = "leder.config.urls"
WSGI_APPLICATION = "leder.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [Path(nhsuk_frontend_jinja.__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "leder.config.jinja.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "leder.core.context_processors.service",
                "leder.accounts.context_processors.staff_navigation",
            ],
        },
    },
    {
        # Django admin keeps its own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "leder.sqlite3")),
            # Wait for the writer rather than fail with "database is locked".
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"

# Staff accounts hold special-category data: lock out after repeated failures and end idle
# sessions. Axes counts failures per e-mail address and IP together.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_LOCKOUT_CALLABLE = "leder.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# Failures are counted in the database (axes' default handler), so every process shares them,
# by the client's address through the trusted proxies (ADR 0111), never a header a client sets.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "leder.core.client.client_address"
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "OpenLeDeR")
# Seals authenticator-app keys and digests recovery codes (leder.accounts.sealing, ADR 0120);
# never stored in the database. Required in production; changing it voids every enrolment.
OTP_ENCRYPTION_KEY = env("OTP_ENCRYPTION_KEY", "")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
# The NHS.UK stylesheet refers to /assets/images/...; see leder.config.urls.
NHSUK_ASSETS_DIR = PACKAGE_DIR / "core" / "static" / "nhsuk" / "assets"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "https://assets.nhs.uk"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# E-mail (Django 6.1 MAILERS). The console backend prints messages: right for the demo.
# For SMTP set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST etc.
_email_backend = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_email_options = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER", ""),
        "password": env("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "OpenLeDeR <no-reply@leder.invalid>")

TASKS = {"default": {"BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Rate-limit counts (and cached charts) live in a store every process shares (ADR 0111): a
# table in the database by default (made by `migrate`, leder.core.apps), Redis when REDIS_URL is
# set (redis://[:password@]host:6379/0; rediss:// for TLS).
LEDER_CACHE_TABLE = "leder_cache"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": LEDER_CACHE_TABLE,
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}
if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }

# How many reverse proxies in front of the service append to X-Forwarded-For (nginx alone: 1;
# a load balancer and nginx: 2). 0: the client is REMOTE_ADDR and the header is never read.
LEDER_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# --- OpenLeDeR programme settings -------------------------------------------------------------
LEDER_SERVICE_NAME = "LeDeR"
# Autistic adults without a learning disability came into scope for deaths on or after this date.
LEDER_AUTISM_IN_SCOPE_FROM = date.fromisoformat(env("LEDER_AUTISM_IN_SCOPE_FROM", "2022-01-01"))
# Public form: submissions allowed per client address per hour, and answers to its question
# pages per client address per minute.
LEDER_NOTIFY_RATE_LIMIT_PER_HOUR = env_int("LEDER_NOTIFY_RATE_LIMIT_PER_HOUR", 20)
LEDER_NOTIFY_STEP_RATE_LIMIT_PER_MINUTE = env_int("LEDER_NOTIFY_STEP_RATE_LIMIT_PER_MINUTE", 60)
# Likely duplicates flagged on one notification, best first (the LAC compares each by hand).
LEDER_MAX_DUPLICATE_CANDIDATES = env_int("LEDER_MAX_DUPLICATE_CANDIDATES", 10)
# Public feedback surveys: answers accepted per client address per hour.
LEDER_FEEDBACK_RATE_LIMIT_PER_HOUR = env_int("LEDER_FEEDBACK_RATE_LIMIT_PER_HOUR", 20)
# Reviews are due this many months after notification; "due soon" this many days before;
# a case this many days overdue is escalated to the regional coordinator.
LEDER_REVIEW_DUE_MONTHS = env_int("LEDER_REVIEW_DUE_MONTHS", 6)
LEDER_DUE_SOON_DAYS = env_int("LEDER_DUE_SOON_DAYS", 28)
LEDER_ESCALATE_AFTER_OVERDUE_DAYS = env_int("LEDER_ESCALATE_AFTER_OVERDUE_DAYS", 90)
# Expected deaths a year = an ICB's population with a learning disability × this rate. The
# default (0.32%) reproduces the ~50 a year expected among ~15,500 people in one area (2018).
LEDER_LD_ANNUAL_MORTALITY_RATE = float(env("LEDER_LD_ANNUAL_MORTALITY_RATE", "0.0032"))
# The national performance table's allocation standard: days from notification to allocation
# (ADR 0143; a local choice, not a published national standard).
LEDER_ALLOCATION_STANDARD_DAYS = env_int("LEDER_ALLOCATION_STANDARD_DAYS", 28)
# The address staff reach the service at (https://leder.example.nhs.uk), for links in e-mails
# sent by scheduled jobs, which have no request to take it from. Empty: e-mails give the path.
LEDER_BASE_URL = env("LEDER_BASE_URL", "")
# Records requested from organisations (leder.reviews): the secure upload link lasts this many
# days; files up to this size; stored outside the web root here (never under STATIC_ROOT).
LEDER_UPLOAD_LINK_DAYS = env_int("LEDER_UPLOAD_LINK_DAYS", 14)
LEDER_UPLOAD_MAX_BYTES = env_int("LEDER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
LEDER_PRIVATE_MEDIA_ROOT = Path(env("LEDER_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# The national dataset's re-identification check (issue 13): no combination of these
# quasi-identifiers may be shared by fewer than K records in an export (leder.exports.anonymity).
LEDER_K_ANONYMITY_K = env_int("LEDER_K_ANONYMITY_K", 5)
LEDER_K_ANONYMITY_QUASI_IDENTIFIERS = tuple(
    env_list(
        "LEDER_K_ANONYMITY_QUASI_IDENTIFIERS",
        "age,death_month,icb,sex,ethnic_group,cause,lived_in,out_of_area_placement,"
        "mental_health_act_detained,long_term_conditions",
    )
)
# Refuse uploads when no virus scanner (ClamAV) is installed, rather than keep them unscanned.
# On by default in production settings; off elsewhere so the demo works without ClamAV.
LEDER_UPLOAD_REQUIRE_SCAN = env_bool("LEDER_UPLOAD_REQUIRE_SCAN", False)
# Public upload page: files accepted per client address per hour.
LEDER_UPLOAD_RATE_LIMIT_PER_HOUR = env_int("LEDER_UPLOAD_RATE_LIMIT_PER_HOUR", 30)
# Uploads over 2.5 MB go to a temporary file, not memory; at most 10 files a request; stored
# files readable by the service's own account only.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Bodies other than file uploads (forms, API JSON) larger than this are refused with 413; one
# answer or JSON string longer than LEDER_MAX_FIELD_CHARS, or one query-string value longer than
# LEDER_MAX_QUERY_VALUE_CHARS, with 400 (leder.core.edges).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
LEDER_MAX_FIELD_CHARS = env_int("LEDER_MAX_FIELD_CHARS", 100_000)
LEDER_MAX_QUERY_VALUE_CHARS = env_int("LEDER_MAX_QUERY_VALUE_CHARS", 2_000)
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o600
# A focused review is required when the person's ethnic category is anything but these codes
# (NHS Data Dictionary; "A" is White British). Comma-separated.
LEDER_FOCUSED_REVIEW_WHITE_BRITISH_CODES = env_list("LEDER_FOCUSED_REVIEW_WHITE_BRITISH_CODES", "A")

# Governance: how many days before an action's due date its owner and the LAC are reminded.
LEDER_ACTION_DUE_SOON_DAYS = env_int("LEDER_ACTION_DUE_SOON_DAYS", 14)

# Disclosure control: counts from 1 to this number minus one are suppressed in anything
# published outside the identifiable case workspace (dashboards, reports, survey results).
LEDER_DISCLOSURE_THRESHOLD = env_int("LEDER_DISCLOSURE_THRESHOLD", 5)
# Who approves a role that opens case content, proposed by an administrator (ADR 0120):
# "icb_lead" (the executive lead of the ICB the role is at) or "administrator" (another one).
LEDER_ROLE_GRANT_APPROVER = env("LEDER_ROLE_GRANT_APPROVER", "icb_lead")
# A survey question shows no results at all until at least this many people answered it (and at
# least LEDER_DISCLOSURE_THRESHOLD), so a few planted answers cannot be subtracted to reveal one.
LEDER_SURVEY_MIN_RESPONSES = env_int("LEDER_SURVEY_MIN_RESPONSES", 10)

# The national dataset's pseudonyms: each recipient's HMAC key is derived from this master key
# and the recipient's own salt, so the database alone cannot reproduce a pseudonym, and two
# recipients' files cannot be linked. Required in production (at least 50 characters, not the
# secret key: ADR 0110); set it (or LEDER_PSEUDONYM_KEY_FILE) and never change it, or
# pseudonyms change.
LEDER_PSEUDONYM_KEY = env("LEDER_PSEUDONYM_KEY", "") or ""

# The REST API: requests a minute allowed per client token.
LEDER_API_RATE_LIMIT_PER_MINUTE = env_int("LEDER_API_RATE_LIMIT_PER_MINUTE", 120)
# Notifications a client may submit an hour through the API.
LEDER_API_SUBMIT_RATE_LIMIT_PER_HOUR = env_int("LEDER_API_SUBMIT_RATE_LIMIT_PER_HOUR", 600)

# Processes (leder.operations, docs/adr/0100-scheduler-and-job-leases.md). Workers and the
# scheduler touch a heartbeat row every LEDER_HEARTBEAT_SECONDS; a worker not seen for
# LEDER_WORKER_LEASE_SECONDS is dead, and the job it was running is recovered. The scheduler
# looks for due jobs every LEDER_SCHEDULER_INTERVAL_SECONDS and holds a job's lease for at most
# LEDER_SCHEDULER_LEASE_SECONDS (after that another scheduler may run it again). /readyz fails
# when no worker has been seen within the lease or the oldest queued task is older than
# LEDER_READY_MAX_QUEUE_AGE_SECONDS.
LEDER_HEARTBEAT_SECONDS = env_int("LEDER_HEARTBEAT_SECONDS", 10)
LEDER_WORKER_LEASE_SECONDS = env_int("LEDER_WORKER_LEASE_SECONDS", 120)
LEDER_SCHEDULER_INTERVAL_SECONDS = env_int("LEDER_SCHEDULER_INTERVAL_SECONDS", 15)
LEDER_SCHEDULER_LEASE_SECONDS = env_int("LEDER_SCHEDULER_LEASE_SECONDS", 900)
LEDER_RECOVER_EVERY_SECONDS = env_int("LEDER_RECOVER_EVERY_SECONDS", 60)
LEDER_READY_MAX_QUEUE_AGE_SECONDS = env_int("LEDER_READY_MAX_QUEUE_AGE_SECONDS", 600)
LEDER_TASK_RESULTS_KEEP_DAYS = env_int("LEDER_TASK_RESULTS_KEEP_DAYS", 30)

# Retention periods in days, enforced by the daily `retention` job (ADR 0122 says where each
# default comes from). 0 keeps for ever. Audit rows are always kept. Task results use
# LEDER_TASK_RESULTS_KEEP_DAYS and expired sessions are removed when they expire.
RETENTION_UPLOADED_RECORDS_DAYS = env_int("RETENTION_UPLOADED_RECORDS_DAYS", 365)
RETENTION_NOTIFIER_CONTACT_DAYS = env_int("RETENTION_NOTIFIER_CONTACT_DAYS", 365)
RETENTION_EXPORT_FILES_DAYS = env_int("RETENTION_EXPORT_FILES_DAYS", 90)
RETENTION_IMPORT_FILES_DAYS = env_int("RETENTION_IMPORT_FILES_DAYS", 30)
RETENTION_SURVEY_FREE_TEXT_DAYS = env_int("RETENTION_SURVEY_FREE_TEXT_DAYS", 730)
RETENTION_FAMILY_FILES_DAYS = env_int("RETENTION_FAMILY_FILES_DAYS", 365)

# GOV.UK Notify (leder.messaging, ADR 0180): e-mails, text messages and letters. Without an API
# key, e-mails go through MAILERS (SMTP, or the console in the demo), letters are printed
# locally and text messages cannot be sent. Template ids: "<kind>.<channel>=<uuid>" pairs,
# comma-separated (`manage.py notify_templates` lists those needed). The callback token is the
# bearer token set in Notify's delivery-status callback.
LEDER_NOTIFY_API_KEY = env("LEDER_NOTIFY_API_KEY", "")
LEDER_NOTIFY_BASE_URL = env("LEDER_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
LEDER_NOTIFY_TEMPLATE_IDS = dict(
    pair.split("=", 1) for pair in env_list("LEDER_NOTIFY_TEMPLATE_IDS") if "=" in pair
)
LEDER_NOTIFY_CALLBACK_TOKEN = env("LEDER_NOTIFY_CALLBACK_TOKEN", "")

# A family's own link (leder.families, ADR 0183): it lasts this many days; a sign-in code lasts
# this many minutes; this many wrong codes or dates of birth lock the link for the lockout time.
LEDER_FAMILY_LINK_DAYS = env_int("LEDER_FAMILY_LINK_DAYS", 90)
LEDER_FAMILY_CODE_MINUTES = env_int("LEDER_FAMILY_CODE_MINUTES", 30)
LEDER_FAMILY_FACTOR_ATTEMPTS = env_int("LEDER_FAMILY_FACTOR_ATTEMPTS", 5)
LEDER_FAMILY_LOCKOUT_MINUTES = env_int("LEDER_FAMILY_LOCKOUT_MINUTES", 60)
# A family not contacted within this many days of a case's allocation is flagged on the
# reviewer's and the LAC's home pages.
LEDER_FAMILY_CONTACT_DAYS = env_int("LEDER_FAMILY_CONTACT_DAYS", 14)

# The audit log (ADR 0120). Each row's hash is an HMAC under AUDIT_HMAC_KEY, which never lives in
# the database; production refuses to start without it. After a key rotation, list the earlier
# keys in AUDIT_HMAC_OLD_KEYS (comma-separated) so older rows still verify.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", "")
AUDIT_HMAC_OLD_KEYS = env_list("AUDIT_HMAC_OLD_KEYS")
# Signed checkpoints (sequence and head hash) are written every AUDIT_CHECKPOINT_MINUTES to this
# folder, meant for write-once storage outside the database (an object-locked bucket mount, a
# WORM share); optionally e-mailed to AUDIT_CHECKPOINT_EMAIL. The signing key defaults to one
# derived from AUDIT_HMAC_KEY; set AUDIT_CHECKPOINT_KEY to keep it apart.
AUDIT_CHECKPOINT_DIR = env("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
AUDIT_CHECKPOINT_KEY = env("AUDIT_CHECKPOINT_KEY", "")
AUDIT_CHECKPOINT_OLD_KEYS = env_list("AUDIT_CHECKPOINT_OLD_KEYS")
AUDIT_CHECKPOINT_MINUTES = env_int("AUDIT_CHECKPOINT_MINUTES", 60)
AUDIT_CHECKPOINT_EMAIL = env("AUDIT_CHECKPOINT_EMAIL", "")
# The start of the audit log older than this many days is pruned by the daily retention job, only
# up to a signed checkpoint and leaving a signed anchor (ADR 0123). 20 years: the longest period
# the NHS Records Management Code sets for the records it accounts for (serious incident records);
# 0 keeps the audit log for ever.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 20 * 365 + 5)
