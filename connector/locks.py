"""A lock shared by every process, for work that must not run twice at once (token renewal).

It lives in the cache, so that it is never held inside a database transaction: a renewal may
wait on an HTTP call, and a database lock held that long would stall every other writer (with
SQLite, the whole database). Redis makes `add` atomic across machines; the file cache of the
embedded mode is good enough for one machine.
"""

import time
import uuid
from contextlib import contextmanager

from django.core.cache import cache


class LockTimeout(Exception):
    pass


@contextmanager
def cache_lock(name: str, *, hold_seconds: int = 60, wait_seconds: float = 30):
    key, token = f"lock:{name}", uuid.uuid4().hex
    deadline = time.monotonic() + wait_seconds
    while not cache.add(key, token, timeout=hold_seconds):
        if time.monotonic() > deadline:
            raise LockTimeout(f"{name} is busy elsewhere")
        time.sleep(0.05)
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)
