"""Per-store request quota: a fixed window, counted in the database.

Every process serving the emulator counts in the same `RateLimitWindow` row with conditional
updates, so the quota holds however many web processes there are.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.bigcommerce.models import RateLimitWindow, SandboxStore


@dataclass(frozen=True)
class Quota:
    quota: int
    left: int
    window_ms: int
    reset_ms: int
    exceeded: bool = False

    def headers(self) -> dict[str, str]:
        return {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(self.reset_ms),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(self.left),
        }


def consume(store: SandboxStore, now: datetime | None = None) -> Quota:
    """Count one request against the store's window; `exceeded` once the quota is spent."""
    window = timedelta(milliseconds=store.rate_limit_window_ms)
    with transaction.atomic():
        # The clock is read once the window's row is locked: a request that waited for the
        # lock must not open a window that started before the one it waited behind.
        RateLimitWindow.objects.select_for_update().filter(store=store).first()
        now = now or timezone.now()
        _count(store, now, window)
        started_at, used = (
            RateLimitWindow.objects.filter(store=store).values_list("started_at", "used").get()
        )
    reset_ms = max(0, int((started_at + window - now).total_seconds() * 1000))
    return Quota(
        quota=store.rate_limit_quota,
        left=max(0, store.rate_limit_quota - used),
        window_ms=store.rate_limit_window_ms,
        reset_ms=reset_ms,
        exceeded=used > store.rate_limit_quota,
    )


def _count(store: SandboxStore, now: datetime, window: timedelta) -> None:
    windows = RateLimitWindow.objects.filter(store=store)
    for _ in range(3):
        if windows.filter(started_at__gt=now - window).update(used=F("used") + 1):
            return
        if windows.filter(started_at__lte=now - window).update(started_at=now, used=1):
            return
        RateLimitWindow.objects.get_or_create(store=store, defaults={"started_at": now})
    raise RuntimeError("The rate-limit window of the store could not be updated.")
