"""Settings, all read from the environment (and a local `.env` in development).

Production is the default: DEBUG is off and the secret key and the credential encryption keys
must be given. `make run` writes a `.env` with DEBUG on and freshly generated keys.
"""

import base64
from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = Path(env("CONNECTOR_ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

# The values of .envs/production.env.example are marked with this; none may reach production.
PLACEHOLDER_MARK = "change-me"
# A Fernet key is 32 random bytes; fewer different bytes than this means it was typed, not drawn.
MIN_DISTINCT_KEY_BYTES = 8


def refuse_placeholder(name: str, *values: str | bytes) -> None:
    for value in values:
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if PLACEHOLDER_MARK in text.lower():
            raise ImproperlyConfigured(
                f"{name} still holds a placeholder ({PLACEHOLDER_MARK!r}): "
                "replace it with a real value before starting in production."
            )


DEBUG = env.bool("DEBUG", default=False)
VAR_DIR = Path(env("CONNECTOR_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

if DEBUG:
    SECRET_KEY = env(
        "SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-0123456789"
    )
else:
    SECRET_KEY = env("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 50 characters when DEBUG is off."
        )
    refuse_placeholder("SECRET_KEY", SECRET_KEY)
    if len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is too simple (fewer than 5 different characters): "
            "set it to a random string of at least 50 characters."
        )

# Fernet keys (url-safe base64 of 32 bytes), comma-separated. The first encrypts; all decrypt,
# so a new key is added in front and the old one removed after `manage.py rotate_secrets`.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHkta2V5LWZvci1sb2NhbC1kZXZlbG9wbWU="
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=[DEV_ENCRYPTION_KEY] if DEBUG else []
)
if not FIELD_ENCRYPTION_KEYS or (not DEBUG and DEV_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must list at least one Fernet key when DEBUG is off "
        "(generate one with: python -c 'import base64, os; "
        "print(base64.urlsafe_b64encode(os.urandom(32)).decode())')."
    )
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a url-safe base64 Fernet key."
        ) from None
    if not DEBUG:
        _raw = base64.urlsafe_b64decode(_key)
        refuse_placeholder("FIELD_ENCRYPTION_KEYS", _key, _raw)
        if len(set(_raw)) < MIN_DISTINCT_KEY_BYTES:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS holds a weak key (too few different bytes): generate "
                "each key with os.urandom(32), as shown in .envs/production.env.example."
            )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_celery_beat",
    "axes",
    "django_filters",
    "django_tables2",
    "connector.apps.ConnectorConfig",
    "stores",
    "mappings",
    "sync",
    "logs",
    "webhooks",
]

# The emulators of BigCommerce and Salesforce, for trying the connector and for tests.
# On by default in development only; never on a real deployment.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=DEBUG)
if SANDBOX_ENABLED:
    INSTALLED_APPS += ["sandbox", "sandbox.bigcommerce", "sandbox.salesforce"]

MIDDLEWARE = [
    "connector.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "connector.urls"
WSGI_APPLICATION = "connector.wsgi.application"

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
                "connector.context_processors.console",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "connector.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if not DEBUG:
    refuse_placeholder("DATABASE_URL", env("DATABASE_URL", default=""))
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer, IMMEDIATE
    # transactions take the write lock up front, and the timeout waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file, not memory, so that a worker process started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-connector.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and broker ------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "connector.cache.SharedClientRedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# How long a cache call keeps trying while Redis restarts (connector/cache.py).
CACHE_BLIP_SECONDS = env.float("CACHE_BLIP_SECONDS", default=15)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files under var/broker, shared by web, worker and beat.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
else:
    # Longer than the hard time limit, so a running late-acked task is never handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
if CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "connector.broker:Transport"  # survives a Redis restart

CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = "default"
# Webhook draining never waits behind a long batch import: each kind has its own queue.
CELERY_QUEUE_NAMES = ("default", "webhooks", "sync")
CELERY_TASK_QUEUES = tuple(Queue(name, routing_key=name) for name in CELERY_QUEUE_NAMES)
CELERY_TASK_ROUTES = {
    "webhooks.tasks.*": {"queue": "webhooks"},
    "sync.tasks.run_*": {"queue": "sync"},
}

# A running run's worker writes a heartbeat this often; a run whose heartbeat is older than
# RUN_STALE_SECONDS belongs to a dead worker and is taken over (sync/liveness.py).
RUN_HEARTBEAT_SECONDS = env.int("RUN_HEARTBEAT_SECONDS", default=10)
RUN_STALE_SECONDS = env.int("RUN_STALE_SECONDS", default=60)
# A run that meets a rate limit longer than a call may wait goes back to the queue until the
# limit lifts (Celery's retry with a countdown), at most this many times; then it fails.
RUN_MAX_DEFERRALS = env.int("RUN_MAX_DEFERRALS", default=5)

# --- Where credentials may go (integrations/hosts.py) ----------------------------------------
# Hosts besides BigCommerce's and Salesforce's own that may receive a store's or an org's
# credentials, comma-separated; `*.example.com` allows every name under example.com.
CONNECTOR_ALLOWED_API_HOSTS = env.list("CONNECTOR_ALLOWED_API_HOSTS", default=[])
# With the sandbox on, its emulators answer at the connector's own host (`make run` serves on
# CONNECTOR_HOST); loopback and the host of CONNECTOR_PUBLIC_URL are allowed as well.
SANDBOX_HOSTS = [env("CONNECTOR_HOST", default="127.0.0.1")] if SANDBOX_ENABLED else []

# --- Salesforce ------------------------------------------------------------------------------
# Upserts of this many records or more go through Bulk API 2.0 instead of sObject Collections.
SALESFORCE_BULK_THRESHOLD = env.int("SALESFORCE_BULK_THRESHOLD", default=2000)
# Syncing stops when an org has used this share of its daily API requests.
SALESFORCE_USAGE_GUARD_SHARE = env.float("SALESFORCE_USAGE_GUARD_SHARE", default=0.8)

# --- Webhooks (BigCommerce callbacks) --------------------------------------------------------
# The connector's own address as BigCommerce reaches it; hooks are registered at
# <CONNECTOR_PUBLIC_URL>/webhooks/bigcommerce/<store id>/.
CONNECTOR_PUBLIC_URL = env(
    "CONNECTOR_PUBLIC_URL",
    default=f"http://127.0.0.1:{env('CONNECTOR_PORT', default='8000')}" if DEBUG else "",
)
# The header that carries each store's webhook secret (set on every hook the connector creates).
WEBHOOK_SECRET_HEADER = env("WEBHOOK_SECRET_HEADER", default="X-Connector-Webhook-Secret")
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=64 * 1024)
# Events claimed longer ago than this belong to a dead worker and go back to pending.
WEBHOOK_CLAIM_TIMEOUT_SECONDS = env.int("WEBHOOK_CLAIM_TIMEOUT_SECONDS", default=600)
# The sweeper re-enqueues the drain of a store whose events waited this long.
WEBHOOK_PENDING_GRACE_SECONDS = env.int("WEBHOOK_PENDING_GRACE_SECONDS", default=60)
WEBHOOK_DRAIN_BATCH = env.int("WEBHOOK_DRAIN_BATCH", default=500)
WEBHOOK_DRAIN_MAX_SECONDS = env.int("WEBHOOK_DRAIN_MAX_SECONDS", default=120)
# Events that failed with a retryable error are tried again, up to this many attempts.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=5)
# The health check backfills a store whose hooks sent nothing for this long.
WEBHOOK_SILENCE_SECONDS = env.int("WEBHOOK_SILENCE_SECONDS", default=6 * 60 * 60)

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out user and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# LOGIN_FAILURE_LIMIT wrong passwords in a row for one username from one address lock that pair
# out for LOGIN_LOCKOUT_MINUTES. Unlock early in the admin (Axes, Access attempts) or with
# `manage.py axes_reset` / `axes_reset_username <name>`.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "console.views.locked_out"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Security (production defaults; each can be relaxed through the environment) ---------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its version banner, in every process
    },
}
