"""Baton's one settings module.

Every value comes from an environment variable (see ``.env.example``) through the typed helpers
in ``config.env``. Defaults are safe for development and run everything on one machine with no
server to install: SQLite in ``var/``, kombu's filesystem broker under ``var/broker/`` and email
written to files in ``var/mail/``. ``DJANGO_ENV=production`` refuses to start without a real
``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``CELERY_BROKER_URL``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_seconds,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BATON_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "test", "production"))
PRODUCTION = DJANGO_ENV == "production"
# CI (set by CI services) and BATON_REQUIRE_SERVICES switch the defaults to the loopback
# PostgreSQL and Redis, and make tests that need a missing service fail instead of skip.
CI = env_bool("CI", False)
REQUIRE_SERVICES = CI or env_bool("BATON_REQUIRE_SERVICES", False)

DEBUG = env_bool("DEBUG", DJANGO_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

_DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _DEV_SECRET_KEY, required=PRODUCTION)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], required=PRODUCTION
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The port ``make run`` serves on; links in emails follow it unless SITE_URL says otherwise.
PORT = env_int("PORT", 8000, minimum=1)
SITE_URL = env_url("SITE_URL", f"http://127.0.0.1:{PORT}", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Baton's apps, bottom layer first (docs/architecture.md; `make check` enforces the order).
    "core",
    "audit",
    "notifications",
    "accounts",
    "clinics",
    "gyms",
    "exercises",
    "organisations",
    "safety",
    "handoff",
    "portal",
    "interop",
    "config",  # start-up work of the project itself (config/apps.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Production serves collected static files itself (gunicorn behind a load balancer).
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    "core.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.otp_middleware.TwoFactorMiddleware",
    "config.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    # Before Axes, so that Axes still turns its own exceptions into its answer first.
    "core.middleware.ApiServerErrorMiddleware",
    "config.middleware.PageErrorsMiddleware",
    # Axes must come last: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.tz",
                "config.navigation.frame",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0)
_DEFAULT_DATABASE_URL = (
    "postgres://postgres@127.0.0.1:5432/baton" if CI else f"sqlite:///{VAR_DIR / 'baton.sqlite3'}"
)
DATABASE_URL = env_url(
    "DATABASE_URL",
    "" if PRODUCTION else _DEFAULT_DATABASE_URL,
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
_database = dj_database_url.parse(
    DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_MAX_AGE > 0
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The dev server and the Celery worker write to one file: WAL lets readers go on while one
    # writer works, IMMEDIATE takes the write lock at BEGIN (so a transaction never fails to
    # upgrade halfway) and the busy timeout makes writers queue instead of failing.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
else:
    # Server-side binding: psycopg prepares a statement the second time a connection runs it,
    # so PostgreSQL plans each of Baton's (many-join) queries once per connection instead of
    # once per request: the packet's SQL time falls from about 6 ms to 2.4 ms (issue 16). Turn
    # it off behind a pooler in transaction mode that cannot keep prepared statements.
    prepared = env_bool("DATABASE_PREPARED_STATEMENTS", True)
    if prepared:  # added to what DATABASE_URL's query string set (sslmode, application_name…)
        _database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/1" if CI else "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts, sessions and lockout ----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# A session ends after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_TIMEOUT after
# login whatever happens (accounts.middleware.SessionLifetimeMiddleware enforces both).
SESSION_IDLE_TIMEOUT = env_seconds("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_seconds("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
API_TOKEN_TTL = timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30, minimum=1))
INVITATION_TTL = timedelta(days=env_int("INVITATION_TTL_DAYS", 7, minimum=1))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15, minimum=1))
# Lock the account-and-address pair, so nobody can lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.net.client_address"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from"
AXES_VERBOSE = False
# Two-factor sign-in (accounts.otp). Roles listed here cannot use Baton without an authenticator
# app: therapists and clinic admins read many patients' packets; "operator" is the Django admin.
# On by default in production; off in development and the demo so `make run` stays one command.
TWO_FACTOR_REQUIRED_ROLES = env_list(
    "TWO_FACTOR_REQUIRED_ROLES", ["therapist", "clinic_admin", "operator"] if PRODUCTION else []
)
if TWO_FACTOR_REQUIRED_ROLES == ["none"]:
    TWO_FACTOR_REQUIRED_ROLES = []
_TWO_FACTOR_ROLES = {"therapist", "trainer", "patient", "clinic_admin", "gym_admin", "operator"}
if not set(TWO_FACTOR_REQUIRED_ROLES) <= _TWO_FACTOR_ROLES:
    raise ImproperlyConfigured(
        "TWO_FACTOR_REQUIRED_ROLES may list only "
        f"{', '.join(sorted(_TWO_FACTOR_ROLES))}, or be 'none'."
    )
TWO_FACTOR_ROLE_RESOLVER = "organisations.roles.role_name"
# The relations a user's role is read from (organisations.roles): token authentication loads
# them with the token, so an API request learns who is asking in one query (issue 16).
USER_ROLE_RELATIONS = ("clinic_membership__clinic", "gym_membership__gym", "patient_record__clinic")
OTP_TOTP_ISSUER = "Baton"
# A login's second step (the code) must follow the password within this many seconds.
TWO_FACTOR_PENDING_SECONDS = 300

# Rate limits (accounts.throttles), kept in the cache: "N/second|minute|hour|day".
RATE_LIMITS = {
    "password_reset_address": env_str("RATE_PASSWORD_RESET_PER_ADDRESS", "10/hour"),
    "password_reset_email": env_str("RATE_PASSWORD_RESET_PER_EMAIL", "3/hour"),
    "token_address": env_str("RATE_TOKEN_PER_ADDRESS", "30/minute"),
    "invitation_address": env_str("RATE_INVITATION_PER_ADDRESS", "20/minute"),
}
API_RATE_PER_USER = env_str("RATE_API_PER_USER", "600/minute")
API_RATE_ANONYMOUS = env_str("RATE_API_ANONYMOUS_PER_ADDRESS", "120/minute")
for _rate in [*RATE_LIMITS.values(), API_RATE_PER_USER, API_RATE_ANONYMOUS]:
    if not re.fullmatch(r"\d+/(s|m|h|d)[a-z]*", _rate):
        raise ImproperlyConfigured(f"A rate limit looks like 30/minute or 5/hour, not {_rate!r}.")

# Number of reverse proxies in front of the site whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- Internationalisation --------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Requests --------------------------------------------------------------------------------------

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- Security ------------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Load-balancer and operator probes call /livez and /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
if env_bool("SECURE_PROXY_SSL_HEADER", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Templates carry no inline script or style, so the policy can stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Email --------------------------------------------------------------------------------------

MAIL_DIR = VAR_DIR / "mail"
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(Path(env_str("EMAIL_FILE_PATH", str(MAIL_DIR))).resolve())
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Baton <no-reply@baton.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS and EMAIL_USE_SSL.")

# --- Handoffs, notifications and reminders -------------------------------------------------------

HANDOFF_RESPONSE_DAYS = env_int("HANDOFF_RESPONSE_DAYS", 7, minimum=1)
PATIENT_NUDGE_DAYS = env_int("PATIENT_NUDGE_DAYS", 3, minimum=1)
CONSENT_DEFAULT_DAYS = env_int("CONSENT_DEFAULT_DAYS", 365, minimum=1)

# No task is ever scheduled further ahead than this: Redis holds countdowns in memory-visible
# "unacked" sets and redelivers them in loops or loses them on restart. Longer waits are rows.
MAX_TASK_COUNTDOWN = 300
TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT_SECONDS", 60, minimum=2)
if EMAIL_TIMEOUT >= TASK_TIME_LIMIT:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be shorter than TASK_TIME_LIMIT_SECONDS.")
# A delivery's lease outlives the task's hard time limit, so no second worker can claim a
# delivery that a live worker may still be sending.
DELIVERY_LEASE = env_seconds("DELIVERY_LEASE_SECONDS", TASK_TIME_LIMIT + 30)
if DELIVERY_LEASE.total_seconds() < TASK_TIME_LIMIT:
    raise ImproperlyConfigured("DELIVERY_LEASE_SECONDS must be at least TASK_TIME_LIMIT_SECONDS.")
# A pending delivery enqueued longer ago than this is assumed lost and enqueued again.
DELIVERY_GRACE = env_seconds("DELIVERY_GRACE_SECONDS", 120)
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 8, minimum=1)
DELIVERY_BACKOFF_BASE = env_seconds("DELIVERY_BACKOFF_BASE_SECONDS", 30)
DELIVERY_BACKOFF_MAX = env_seconds("DELIVERY_BACKOFF_MAX_SECONDS", 3600)
SWEEP_INTERVAL = env_seconds("SWEEP_INTERVAL_SECONDS", 60)
# Each worker stamps its heartbeat this often; one silent for three beats is not live.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1, maximum=300)
SWEEP_BATCH_SIZE = env_int(
    "SWEEP_BATCH_SIZE",
    50 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 300,
    minimum=1,
    maximum=5000,
)

# --- Celery ---------------------------------------------------------------------------------------

BROKER_DIR = Path(env_str("BATON_BROKER_DIR", str(VAR_DIR / "broker"))).resolve()
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL",
    "" if PRODUCTION else ("redis://127.0.0.1:6379/0" if CI else "filesystem://"),
    schemes=("filesystem", "redis", "rediss", "amqp", "amqps", "memory"),
)
BROKER_VISIBILITY_TIMEOUT = env_int("BROKER_VISIBILITY_TIMEOUT_SECONDS", 900, minimum=1)
if BROKER_VISIBILITY_TIMEOUT <= MAX_TASK_COUNTDOWN + TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed the longest countdown "
        f"({MAX_TASK_COUNTDOWN}s) plus TASK_TIME_LIMIT_SECONDS ({TASK_TIME_LIMIT}s)."
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # One folder for both directions: the web process and the worker share this config.
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        # Publishing from a request tries the broker once; the sweep covers what did not go.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost the broker retries for ever (backing off to 30 s), instead of exiting after
# 100 tries (about 50 minutes): an outage ends with the workers consuming again, untouched.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "baton")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless told
# to reuse it: a new PostgreSQL connection for every email (issue 16). It reuses it here, and
# Django's own rules decide when to close it, as after a web request: CONN_MAX_AGE and the
# health check (config.celery). The fixup still starts afresh every 1,000 tasks.
CELERY_DB_REUSE_MAX = 1000
# Tasks are idempotent (claim + lease): a task that keeps running through a broker blip finishes
# its mark-sent; cancelling it mid-send (the alternative) can send its email twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_TIME_LIMIT = TASK_TIME_LIMIT
# The soft limit never cuts a send short of the mail server's own timeout.
CELERY_TASK_SOFT_TIME_LIMIT = max(EMAIL_TIMEOUT, TASK_TIME_LIMIT - 10)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sweep": {
        "task": "notifications.tasks.sweep_task",
        "schedule": SWEEP_INTERVAL.total_seconds(),
        # A sweep that waited longer than one interval is superseded by the next one.
        "options": {"expires": SWEEP_INTERVAL.total_seconds()},
    },
}

# --- API -------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.drf.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.drf.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttles.UserThrottle",
        "accounts.throttles.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": API_RATE_PER_USER, "anon": API_RATE_ANONYMOUS},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Baton API",
    "DESCRIPTION": "Hand a rehab patient from a physical therapist to a partnered trainer.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One component per vocabulary, whatever the field that uses it is called.
    "ENUM_NAME_OVERRIDES": {
        "SymptomEnum": "handoff.vocabularies.Symptom",
        "BodyRegionEnum": "exercises.vocabularies.BodyRegion",
        "PatternEnum": "exercises.vocabularies.Pattern",
    },
}

# --- Logging --------------------------------------------------------------------------------------

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "baton": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- Tests -------------------------------------------------------------------------------------------

if DJANGO_ENV == "test":
    # Argon2 is deliberately slow; tests create hundreds of users. A test checks Argon2 itself.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
