"""One env-driven settings module: every knob is an environment variable with a sane default.

With no environment at all the platform runs embedded: SQLite under var/, tasks run
in-process, email goes to the console. Production differs only by environment.
"""

import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path

import environ
from corsheaders.defaults import default_headers as cors_default_headers
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("CX_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret_key(path: Path) -> str:
    """Return the key kept in var/, creating it once.

    The key is written to a private temporary file and linked into place, so a process starting
    at the same moment either sees no file or the whole key, never an empty one.
    """
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(50))
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key(VAR_DIR / "secret_key")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "cxplatform",
    "common",
    "accounts",
    "surveys",
    "feedback",
    "closedloop",
    "webhooks",
    "portfolio",
    "insights",
    "delighted_api",
    "importers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cxplatform.request_checks.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cxplatform.urls"
WSGI_APPLICATION = "cxplatform.wsgi.application"
ASGI_APPLICATION = "cxplatform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cxplatform" / "templates"],
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

# --- Database -------------------------------------------------------------------------
# DATABASE_URL=postgres://user@host:5432/name selects PostgreSQL through psycopg 3.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cxplatform.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    # The busiest statements are prepared on each connection after a few runs (common.sql.server_bound_cursor);
    # turn this off behind a transaction-pooling PgBouncer older than 1.21.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
    DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME", default=None)}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker read while the web process writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits and per-process lookups) ---------------------------------------
# Use CACHE_URL=redis://127.0.0.1:6379/1 with several web processes so that rate limits are shared.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://cxplatform")}

# --- Auth and admin --------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email -----------------------------------------------------------------------------
# EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 sends real mail.
_email = env.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key, _value in _email.items():
    if _key != "EMAIL_BACKEND":
        globals()[_key] = _value
# Every email: from DEFAULT_FROM_EMAIL; replies to CX_REPLY_TO_EMAIL when set (else no email asks for a reply);
# branded with the name, colour (#rrggbb) and, optionally, a logo at a public https address (common.emails).
CX_BRAND_NAME = env.str("CX_BRAND_NAME", default="cxplatform")
CX_BRAND_COLOUR = env.str("CX_BRAND_COLOUR", default="#1f5fbf")
if not re.fullmatch(r"#[0-9a-fA-F]{6}", CX_BRAND_COLOUR):
    raise ImproperlyConfigured("CX_BRAND_COLOUR must be a colour written #rrggbb, such as #1f5fbf.")
CX_BRAND_LOGO_URL = env.str("CX_BRAND_LOGO_URL", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{CX_BRAND_NAME} <noreply@localhost>")
CX_REPLY_TO_EMAIL = env.str("CX_REPLY_TO_EMAIL", default="")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)  # seconds; a hung mail server must not hold a worker
# A case's email (the note to the customer, the lead's escalation) is retried 5 times, first after this.
CX_EMAIL_RETRY_SECONDS = env.int("CX_EMAIL_RETRY_SECONDS", default=60)
# The touchpoint the Delighted-compatible API's calls stand for (/delighted/v1/, docs/delighted.md).
CX_DELIGHTED_TOUCHPOINT = env.str("CX_DELIGHTED_TOUCHPOINT", default="delighted")

# --- cxplatform: the product's own knobs (cxplatform/settings_product.py) -----------------
from cxplatform.settings_product import *  # noqa: E402, F403

# --- Celery ----------------------------------------------------------------------------
# CELERY_BROKER_URL=redis://… or amqp://… runs tasks on workers; empty runs them in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CX_EMBEDDED_TASKS = not CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = CX_EMBEDDED_TASKS
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=4)
CELERY_TASK_DEFAULT_QUEUE = "default"
CX_ANALYSIS_QUEUE = env.str("CX_ANALYSIS_QUEUE", default="analysis")
CELERY_TASK_ROUTES = {
    "feedback.tasks.*": {"queue": CX_ANALYSIS_QUEUE},
    "surveys.tasks.invitation_*": {"queue": "email"},
    "closedloop.tasks.case_notify_customer": {"queue": "email"},
    "closedloop.tasks.case_escalation_email": {"queue": "email"},
    "*.tasks.webhook_*": {"queue": "webhooks"},
    "webhooks.tasks.*": {"queue": "webhooks"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# No broker: run the schedule below in a thread of the web process (make run sets it; see cxplatform/scheduler.py).
CX_IN_PROCESS_SCHEDULER = env.bool("CX_IN_PROCESS_SCHEDULER", default=False)
# How often beat looks for comments waiting too long (CX_ANALYSIS_STALE_SECONDS, below) and sends a run.
CX_ANALYSIS_SWEEP_SECONDS = env.float("CX_ANALYSIS_SWEEP_SECONDS", default=15.0)
CELERY_BEAT_SCHEDULE = {
    "invitations-send-due": {"task": "surveys.tasks.invitation_send_due", "schedule": 60.0},
    "survey-stats-refresh": {
        "task": "surveys.tasks.survey_stats_refresh_all",
        "schedule": env.float("CX_STATS_REFRESH_SECONDS", default=300.0),
    },
    "feedback-requeue-pending": {
        "task": "feedback.tasks.feedback_requeue_pending",
        "schedule": CX_ANALYSIS_SWEEP_SECONDS,
    },
    "cases-check-sla": {"task": "closedloop.tasks.cases_check_sla", "schedule": 60.0},
    "score-rollups-fold": {"task": "surveys.tasks.score_rollups_fold", "schedule": 60.0},
    "comments-purge": {"task": "surveys.tasks.comments_purge", "schedule": 3600.0},
    "cases-resurvey-due": {"task": "surveys.tasks.case_resurveys_send", "schedule": 300.0},
    "health-refresh-due": {"task": "portfolio.tasks.health_refresh_due", "schedule": 3600.0},
    "webhooks-sweep": {
        "task": "webhooks.tasks.webhook_sweep",
        "schedule": CX_WEBHOOKS_SWEEP_SECONDS,  # noqa: F405 - cxplatform.settings_product
    },
    "webhooks-events-prune": {"task": "webhooks.tasks.webhook_events_prune", "schedule": 3600.0},
    # hourly: the chat digest goes out once a day from CX_CHAT_DIGEST_HOUR (a unique key per channel and day)
    "chat-digest": {"task": "insights.tasks.chat_digest_send", "schedule": 3600.0},
}

# --- Text analysis (feedback/analysis) -------------------------------------------------------
# One backend module per language, imported on first use (a worker loads them when it starts).
CX_ANALYSIS_BACKENDS = {
    "en": env.str("CX_ANALYSIS_BACKEND_EN", default="feedback.analysis.english"),
    "zh": env.str("CX_ANALYSIS_BACKEND_ZH", default="feedback.analysis.chinese"),
}
CX_ANALYSIS_KICK_SECONDS = env.int("CX_ANALYSIS_KICK_SECONDS", default=1)  # at most one queued run per window
CX_ANALYSIS_BATCH = env.int("CX_ANALYSIS_BATCH", default=200)  # items a task claims and analyses at once
# A claim not renewed for this long is abandoned (its worker died) and free for anyone; a live run renews
# its claim after every chunk it analyses. Beat's sweep (CX_ANALYSIS_SWEEP_SECONDS) then sends a run.
CX_ANALYSIS_STALE_SECONDS = env.int("CX_ANALYSIS_STALE_SECONDS", default=30)
CX_ANALYSIS_MAX_ATTEMPTS = env.int("CX_ANALYSIS_MAX_ATTEMPTS", default=5)  # then the item is marked failed

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_responses": env.str("CX_THROTTLE_PUBLIC_RESPONSES", default="60/min"),
        "public_surveys": env.str("CX_THROTTLE_PUBLIC_SURVEYS", default="600/min"),
        "public_pages": env.str("CX_THROTTLE_PUBLIC_PAGES", default="120/min"),
        "delighted": env.str("CX_THROTTLE_DELIGHTED", default="600/min"),  # per API token (docs/delighted.md)
    },
    "NUM_PROXIES": env.int("CX_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cxplatform API",
    "DESCRIPTION": "Surveys, responses, feedback and the closed loop of a self-hosted CX platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A NUL in any address is a 400 before the view runs (cxplatform.request_checks): every operation says so.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema.bad_address_documented",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LocaleEnum": LANGUAGES,
        "ReferralKindEnum": "closedloop.models.Referral.Kind",
        "ChurnKindEnum": "accounts.models.ChurnRecord.Kind",
        "WebhookDeliveryStatusEnum": "webhooks.models.Delivery.Status",
        "WebhookEventTypeEnum": "webhooks.catalogue.EVENT_TYPES",
        "WebhookPersonalFieldEnum": "webhooks.catalogue.PERSONAL_FIELDS",
    },
}

# --- Cross-origin requests: only the widget's public endpoints, only from origins that some
# survey lists (surveys.apps connects the check); each survey then accepts only its own.
CORS_URLS_REGEX = r"^/api/v1/public/.*$"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_HEADERS = (*cors_default_headers, "idempotency-key")
CORS_EXPOSE_HEADERS = ["Idempotent-Replayed", "Retry-After"]

# --- Content-Security-Policy (django-csp; docs/security.md) --------------------------------
# Scripts only from our own files, or inline blocks carrying the request's nonce
# (nonce="{{ request.csp_nonce }}"): no inline handlers, no eval. Inline styles are allowed.
# Nothing may frame our pages. Extend a directive here, or per view with csp.decorators.csp_update.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        **({"report-uri": [env.str("CX_CSP_REPORT_URI")]} if env.str("CX_CSP_REPORT_URI", default="") else {}),
    }
}

# --- Production hardening (on whenever DEBUG is off and HTTPS is declared) --------------
if env.bool("CX_HTTPS", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "cxplatform.logfilters.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers (console under DEBUG, mail to ADMINS) would print tokens unredacted.
        "django": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO"), "propagate": False},
    },
}
# Workers keep this logging set-up (and its redaction) rather than Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
