"""The shared lock is a lease: renewed while its holder works, free soon after the holder dies."""

import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings

from connector.locks import LockTimeout, cache_lock
from tests.conftest import subprocess_env

HOLD_AND_WAIT = """
import django, sys, time
django.setup()
from connector.locks import cache_lock
with cache_lock("children:test", lease_seconds=2):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_lock_held_by_a_killed_process_is_free_within_its_lease(tmp_path):
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="tests.settings", CONNECTOR_VAR_DIR=str(settings.VAR_DIR)
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        # Alive, it keeps the lock past its 2 s lease.
        with pytest.raises(LockTimeout), cache_lock("children:test", wait_seconds=4):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        killed_at = time.monotonic()
        with cache_lock("children:test", wait_seconds=30):
            waited = time.monotonic() - killed_at
    finally:
        holder.kill()
        holder.wait()
    assert waited < 3, f"waited {waited:.1f} s for a dead holder"


def test_a_released_lock_is_free_at_once():
    with cache_lock("children:released", lease_seconds=30):
        pass
    started = time.monotonic()
    with cache_lock("children:released", wait_seconds=1):
        assert time.monotonic() - started < 0.5


def test_a_holder_that_outlives_its_lease_keeps_the_lock():
    inside = threading.Event()
    done = threading.Event()

    def hold():
        with cache_lock("children:long", lease_seconds=1):
            inside.set()
            done.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        inside.wait(5)
        time.sleep(2.5)  # more than twice the lease
        with pytest.raises(LockTimeout), cache_lock("children:long", wait_seconds=0.5):
            pass
    finally:
        done.set()
        holder.join()
