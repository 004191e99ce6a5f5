"""Settings for the test suite: production settings with test keys and plain-HTTP cookies.

In CI, DATABASE_URL and REDIS_URL point at the machine's PostgreSQL and Redis.
"""

import os
from pathlib import Path

TEST_ENCRYPTION_KEY = "dGVzdC1rZXktb25lLWZvci1jb25uZWN0b3ItdGVzdHM="

os.environ.setdefault("CONNECTOR_ENV_FILE", "/nonexistent/.env")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "t" * 50)
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEY)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("SANDBOX_ENABLED", "true")
os.environ.setdefault(
    "CONNECTOR_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test")
)

from connector.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Live-server request threads must not keep PostgreSQL sessions open past each request, or the
# test database cannot be dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The BigCommerce emulator's webhook delivery thread outlives a test and would use its database
# while it is being emptied; the tests that exercise deliveries turn it on for themselves.
SANDBOX_WEBHOOK_THREAD = False
