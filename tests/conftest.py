import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from sandbox.services import ensure_demo_environment
from stores.models import Membership, Role, SalesforceOrg, Store
from stores.services import connect_org

IN_CI = os.environ.get("CI") == "true"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose service is missing locally; in CI a missing service is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must provide this: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def ci_services_are_real():
    if IN_CI:
        engine = settings.DATABASES["default"]["ENGINE"]
        assert engine == "django.db.backends.postgresql", f"CI runs on PostgreSQL, not {engine}"
        assert settings.REDIS_URL, "CI runs with REDIS_URL set"
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI's broker is Redis"


def make_user(username, **extra):
    return get_user_model().objects.create_user(
        username, f"{username}@example.com", "correct horse battery", **extra
    )


def make_org(name="Acme org", **fields):
    fields = {
        "client_id": "3MVG9consumer-key",
        "client_secret": "org-consumer-secret-9f8e7d6c",
        **fields,
    }
    return SalesforceOrg.objects.create(name=name, **fields)


def make_store(name, members=(), **fields):
    fields = {
        "store_hash": name.lower().replace(" ", "")[:10],
        "access_token": f"bc-token-{name.lower().replace(' ', '-')}-abcd1234",
        **fields,
    }
    store = Store.objects.create(name=name, **fields)
    for user, role in members:
        Membership.objects.create(user=user, store=store, role=role)
    return store


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")


@pytest.fixture
def alice(db):
    """Admin of store A."""
    return make_user("alice")


@pytest.fixture
def victor(db):
    """Viewer of store A."""
    return make_user("victor")


@pytest.fixture
def oscar(db):
    """Operator of store A."""
    return make_user("oscar")


@pytest.fixture
def bob(db):
    """Admin of store B only."""
    return make_user("bob")


@pytest.fixture
def org_a(db):
    return make_org("Org A")


@pytest.fixture
def store_a(alice, victor, oscar, org_a):
    return make_store(
        "Store A",
        members=[(alice, Role.ADMIN), (victor, Role.VIEWER), (oscar, Role.OPERATOR)],
        salesforce_org=org_a,
    )


@pytest.fixture
def store_b(bob):
    return make_store("Store B", members=[(bob, Role.ADMIN)])


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


SETTINGS_ENV = (
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "STATICFILES_STORAGE",
    "DJANGO_SETTINGS_MODULE",
    "CONNECTOR_VAR_DIR",
    "CONNECTOR_ENV_FILE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def subprocess_env(**extra) -> dict:
    """The environment for a child process, without the test suite's settings overrides."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    env["CONNECTOR_ENV_FILE"] = "/nonexistent/.env"
    env.update(extra)
    return env


def database_url() -> str:
    """The URL of the database the tests are using, for a child process to share it."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def owner(transactional_db):
    return get_user_model().objects.create_superuser("owner", "o@example.com", "pw")


@pytest.fixture
def demo(owner, live_server):
    """The demo store (25 customers, 15 products, 60 orders) and org, over real HTTP."""
    environment = ensure_demo_environment(owner, live_server.url)
    connect_org(environment.org)
    environment.store.refresh_from_db()
    return environment


@pytest.fixture
def live_worker(transactional_db, tmp_path):
    """A real Celery worker process, consuming every queue of the real broker."""
    proc = start_worker(tmp_path / "worker.log")
    yield proc
    stop_worker(proc)


def start_worker(log_path, *, pool="solo", as_deployed=False, **env_overrides):
    """A real Celery worker process on every queue of the real broker, with extra settings in
    its environment; the caller stops or kills it. `as_deployed` keeps the default mingle and
    gossip, which production workers run with."""
    import subprocess
    import sys
    import time
    import uuid

    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url(),
        CONNECTOR_VAR_DIR=str(settings.VAR_DIR),
        **{name: str(value) for name, value in env_overrides.items()},
    )
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "connector",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--loglevel=INFO",
        f"--queues={','.join(settings.CELERY_QUEUE_NAMES)}",
        f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
    ]
    if not as_deployed:
        argv += ["--without-mingle", "--without-gossip"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while b" ready." not in log_path.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("The Celery worker did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.2)
    proc.log_path = log_path
    return proc


def stop_worker(proc) -> None:
    import subprocess

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached describes and API usage must not leak between tests (ids are reused)."""
    from django.core.cache import cache

    cache.clear()
