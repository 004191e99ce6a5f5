import base64
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require, subprocess_env

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides):
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="connector.settings",
        CONNECTOR_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="connector.example.com",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS must list"),
        (
            {"FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHkta2V5LWZvci1sb2NhbC1kZXZlbG9wbWU="},
            "FIELD_ENCRYPTION_KEYS must list",
        ),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"}, "not a url-safe base64 Fernet key"),
    ],
)
def test_production_refuses_to_start_without_real_keys(tmp_path, missing, message):
    result = manage(production_env(tmp_path, **missing), "check")
    assert result.returncode != 0
    assert message in result.stderr


def example_values() -> dict:
    """The values of .envs/production.env.example, as an operator who changed nothing has them."""
    values = {}
    for line in (ROOT / ".envs" / "production.env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


@pytest.mark.parametrize("name", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL"])
def test_production_refuses_the_example_files_placeholders(tmp_path, name):
    value = example_values()[name]
    assert "change-me" in value or name == "FIELD_ENCRYPTION_KEYS"
    result = manage(production_env(tmp_path, **{name: value}), "check", "--deploy")
    assert result.returncode != 0
    assert f"{name} still holds a placeholder" in result.stderr
    assert "no issues" not in result.stdout


WEAK_FERNET = "FIELD_ENCRYPTION_KEYS holds a weak key"


def fernet_key_of(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY is too simple"),
        ({"SECRET_KEY": "x" * 49 + "Change-Me"}, "SECRET_KEY still holds a placeholder"),
        ({"FIELD_ENCRYPTION_KEYS": fernet_key_of(bytes(32))}, WEAK_FERNET),
        ({"FIELD_ENCRYPTION_KEYS": fernet_key_of(b"abcd" * 8)}, WEAK_FERNET),
        # a weak old key after a good one is refused too: every listed key decrypts
        (
            {
                "FIELD_ENCRYPTION_KEYS": ",".join(
                    [fernet_key_of(os.urandom(32)), fernet_key_of(b"a" * 32)]
                )
            },
            WEAK_FERNET,
        ),
    ],
)
def test_production_refuses_weak_keys(tmp_path, overrides, message):
    result = manage(production_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_development_keeps_its_convenience_keys(tmp_path):
    env = production_env(tmp_path, DEBUG="true", SECRET_KEY=None, FIELD_ENCRYPTION_KEYS=None)
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_docker_compose_accepts_the_compose_file(tmp_path):
    compose = shutil.which("docker-compose")
    require(compose is not None, "docker-compose is installed by .ci/run")
    # The compose file reads .envs/production.env, which only exists on a real deployment.
    (tmp_path / ".envs").mkdir()
    shutil.copy(ROOT / ".envs" / "production.env.example", tmp_path / ".envs" / "production.env")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    result = subprocess.run(
        [
            compose,
            "--project-directory",
            str(tmp_path),
            "-f",
            str(tmp_path / "docker-compose.yml"),
            "config",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for service in ("postgres:", "redis:", "web:", "worker:", "webhooks-worker:", "beat:"):
        assert f"  {service}" in result.stdout
    assert "condition: service_healthy" in result.stdout
