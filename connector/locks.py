"""A lock shared by every process, for work that must not run twice at once (token renewal,
writing the children of one org's parents).

It lives in the cache, so that it is never held inside a database transaction: a renewal may
wait on an HTTP call, and a database lock held that long would stall every other writer (with
SQLite, the whole database). Redis makes `add` atomic across machines; the file cache of the
embedded mode is good enough for one machine.

The lock is a short lease that a background thread renews while its holder works. A holder
killed with SIGKILL stops renewing, so its lock is free again within `lease_seconds`, however
long the work it was doing would have taken.
"""

import logging
import threading
import time
import uuid
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)

LEASE_SECONDS = 10


class LockTimeout(Exception):
    pass


@contextmanager
def cache_lock(name: str, *, wait_seconds: float = 30, lease_seconds: int = LEASE_SECONDS):
    key, token = f"lock:{name}", uuid.uuid4().hex
    deadline = time.monotonic() + wait_seconds
    while not cache.add(key, token, timeout=lease_seconds):
        if time.monotonic() > deadline:
            raise LockTimeout(f"{name} is busy elsewhere")
        time.sleep(0.05)
    stop = threading.Event()
    keeper = threading.Thread(
        target=_renew, args=(key, token, lease_seconds, stop), name=f"lease {key}", daemon=True
    )
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()
        if cache.get(key) == token:
            cache.delete(key)


def _renew(key: str, token: str, lease_seconds: int, stop: threading.Event) -> None:
    """Extend the lease every third of it while it is still ours."""
    while not stop.wait(lease_seconds / 3):
        try:
            if cache.get(key) != token:
                logger.warning("Lost the lease of %s", key)
                return
            cache.touch(key, lease_seconds)
        except Exception:  # the next turn tries again; the lease outlives a short blip
            logger.warning("Could not renew the lease of %s", key, exc_info=True)
