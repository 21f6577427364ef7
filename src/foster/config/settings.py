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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "foster.core.middleware.KoreanFirstLocaleMiddleware",  # Korean unless the visitor switched language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
        "rest_framework.authentication.TokenAuthentication",
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
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not IS_EMBEDDED:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# KPIs: the exchange rate at which valuations in won are compared with the USD 1 billion unicorn line.
FOSTER_KRW_PER_USD = env.int("FOSTER_KRW_PER_USD", default=1_400)

# Registry
FOSTER_IMPORT_MAX_ROWS = env.int("FOSTER_IMPORT_MAX_ROWS", default=1_000_000)

# WhiteNoise serves static files; embedded mode serves them straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = IS_EMBEDDED
WHITENOISE_AUTOREFRESH = IS_EMBEDDED
