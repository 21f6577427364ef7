"""Foster settings: one module, every deployment-specific value read from the environment.

Defaults are safe for production (``DEBUG`` off, ``SECRET_KEY`` required). The demo and the
test suite set ``FOSTER_MODE=demo`` / ``FOSTER_MODE=test``, which is the only way to get an
embedded SQLite database and a throw-away secret key. See ``docs/deployment.md``.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
MODE = env.str("FOSTER_MODE", default="production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("FOSTER_MODE must be one of production, demo, test.")
IS_EMBEDDED = MODE in {"demo", "test"}

VAR_DIR = Path(env.str("FOSTER_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
if IS_EMBEDDED:
    SECRET_KEY = env.str("SECRET_KEY", default="foster-demo-only-insecure-key-" + "x" * 40)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 50 characters "
            "(or set FOSTER_MODE=demo for the embedded demo)."
        )

# The key that seals secrets kept in the database (authenticators' TOTP secrets; foster.core.sealing):
# 32 random bytes, URL-safe base64. Unset, it is derived from SECRET_KEY, so rotating SECRET_KEY
# would make sealed secrets unreadable: set FOSTER_SEALING_KEY before ever rotating SECRET_KEY.
SEALING_KEY = env.str("FOSTER_SEALING_KEY", default="")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if IS_EMBEDDED else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "foster.core",
    "foster.accounts",
    "foster.registry",
    "foster.programs",
    "foster.applications",
    "foster.reviews",
    "foster.finance",
    "foster.portal",
    "foster.selection",
    "foster.innovation",
    "foster.kpi",  # before learning: learning's ready() replaces the dashboard's education placeholder
    "foster.datalab",
    "foster.learning",
    "foster.cohorts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "foster.core.middleware.DatabaseUnavailableMiddleware",  # 503, not 500, while the database is away
    "django.contrib.sessions.middleware.SessionMiddleware",
    "foster.core.middleware.KoreanFirstLocaleMiddleware",  # Korean unless the visitor switched language
    "foster.core.security.RefusedRequestAuditMiddleware",  # every 403 (CSRF included) in the audit trail
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "foster.core.security.SessionTimeoutMiddleware",  # idle and absolute session timeouts
    "foster.accounts.middleware.TwoFactorMiddleware",  # nothing but the second factor until it is given
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "foster.config.urls"
WSGI_APPLICATION = "foster.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "foster.core.context_processors.navigation",
            ],
        },
    },
]

# Database: embedded SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'foster.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server and the task worker use the file at the same time.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode, server-side cursors (QuerySet.iterator) must be off.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords per ASVS 2.1: at least 12 characters, at most 128 (64 and more allowed), no composition
# rules, not one of the 20,000 common passwords of Django's local list, not like the user's own
# e-mail or name. Nothing is sent to an outside breach service.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "foster.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: Korean first, English complete.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the language switch is remembered for a year
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "foster.kpi.staticfiles.PlotlyFinder",  # plotly.min.js from the installed plotly package
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if IS_EMBEDDED
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# The matching indexes of open innovation (foster.innovation.matching), shared by web and worker processes.
MATCHING_INDEX_DIR = Path(env.str("MATCHING_INDEX_DIR", default=str(VAR_DIR / "matching")))
MEDIA_URL = "media/"
# The data creation LAB (foster.datalab): upload limits, how long an original upload is kept, the δ of
# the differential-privacy method and the longest data-sharing agreement.
DATALAB_MAX_UPLOAD_BYTES = env.int("DATALAB_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
DATALAB_MAX_ROWS = env.int("DATALAB_MAX_ROWS", default=1_000_000)
DATALAB_MAX_COLUMNS = env.int("DATALAB_MAX_COLUMNS", default=200)
DATALAB_MIN_ROWS = env.int("DATALAB_MIN_ROWS", default=20)
DATALAB_RETENTION_DAYS = env.int("DATALAB_RETENTION_DAYS", default=90)
DATALAB_DP_DELTA = env.float("DATALAB_DP_DELTA", default=1e-6)
DATALAB_MAX_AGREEMENT_DAYS = env.int("DATALAB_MAX_AGREEMENT_DAYS", default=730)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background tasks (Django Tasks API). "database" for the embedded default,
# "rq" for Redis-backed workers at scale, "immediate" in tests.
TASK_BACKEND = env.str("TASK_BACKEND", default="immediate" if MODE == "test" else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
# RQ workers (`foster rqworker default`) must run jobs through the Django Tasks shim.
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
# A running job's lease (ADR 0012): the worker renews it every FOSTER_JOB_HEARTBEAT_SECONDS (and on every
# progress update); a running job whose lease has run out for FOSTER_JOB_LEASE_SECONDS is swept as failed.
FOSTER_JOB_LEASE_SECONDS = env.int("FOSTER_JOB_LEASE_SECONDS", default=120)
FOSTER_JOB_HEARTBEAT_SECONDS = env.float("FOSTER_JOB_HEARTBEAT_SECONDS", default=FOSTER_JOB_LEASE_SECONDS / 4)

# Cache of computed figures (``foster.core.caching``): per process by default; shared by every web
# process with CACHE_URL=redis://host:6379/1 (use a database number of its own, not the queue's).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis:// URL (or empty for a cache in each process).")
# Tests get no cache (every test computes what it reads); tests of the cache itself override this.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if MODE == "test"
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "foster"}
}

# E-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if IS_EMBEDDED else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="foster@localhost")

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "foster.accounts.authentication.SingleFactorTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "foster.core.pagination.FosterPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Foster API",
    "DESCRIPTION": "Operating platform for AI startup fostering programs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One stable schema name per choice set, so generated clients keep their enum names.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "foster.applications.choices.ApplicationStatus",
        "AssignmentStatusEnum": "foster.reviews.choices.AssignmentStatus",
        "JobStatusEnum": "foster.core.choices.JobStatus",
    },
}

# Security: strict unless embedded. `manage.py check --deploy` passes with production variables.
# docs/security.md says what each setting answers in OWASP ASVS level 2.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request and SESSION_ABSOLUTE_TIMEOUT
# seconds after the log-in, whichever comes first (foster.core.security.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Log-in throttling (foster.accounts.throttling): failures counted in the database over a window.
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
LOGIN_MAX_FAILURES_PER_ACCOUNT = env.int("LOGIN_MAX_FAILURES_PER_ACCOUNT", default=5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("LOGIN_MAX_FAILURES_PER_ADDRESS", default=50)
# Behind a reverse proxy: the header with the client's address and how many proxies to trust.
CLIENT_ADDRESS_HEADER = env.str("CLIENT_ADDRESS_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
# Content Security Policy (django-csp): scripts from this site only, no inline script, no eval.
# Styles allow inline style attributes because Plotly's charts and htmx's indicators set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not IS_EMBEDDED:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: the browser keeps them only over HTTPS, for this host exactly, for every path.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Authentication events and refused requests (foster.core.services.security_event_record).
        "foster.security": {"level": "INFO"},
    },
}

# KPIs: the exchange rate at which valuations in won are compared with the USD 1 billion unicorn line.
FOSTER_KRW_PER_USD = env.int("FOSTER_KRW_PER_USD", default=1_400)

# Registry
FOSTER_IMPORT_MAX_ROWS = env.int("FOSTER_IMPORT_MAX_ROWS", default=1_000_000)

# WhiteNoise serves static files; embedded mode serves them straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = IS_EMBEDDED
WHITENOISE_AUTOREFRESH = IS_EMBEDDED
