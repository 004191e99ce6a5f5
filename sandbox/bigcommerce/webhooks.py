"""Webhook callbacks: the outbox, its delivery thread, retries and deactivation.

A change calls `emit()` inside its transaction: the callback body is built once and one
`Delivery` row per matching active hook is written beside the change, so a callback exists
exactly when the change was committed. After the commit, the serving process's delivery thread
is woken; it claims due rows with a conditional update (several processes may serve the
emulator) and POSTs each body, byte for byte, with the hook's own headers.

Settings read: `SANDBOX_WEBHOOK_RETRY_SECONDS` (the retry intervals),
`SANDBOX_WEBHOOK_TIMEOUT_SECONDS` (per POST, default 10), `SANDBOX_WEBHOOK_POLL_SECONDS` (how
often an idle thread looks for rows written by other processes, default 5) and
`SANDBOX_WEBHOOK_THREAD` (default on).

Failures (non-2xx, connection errors, timeouts) are retried on the platform's schedule, divided
by 60 unless `SANDBOX_WEBHOOK_RETRY_SECONDS` says otherwise; when the schedule is exhausted the
hook is deactivated (`is_active: false`) and its waiting callbacks are dropped, as the platform
does.
"""

import contextvars
import hashlib
import json
import logging
import os
import threading
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Min, Q
from django.utils import timezone

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.models import Delivery, Hook, SandboxStore
from sandbox.faults import FaultPlan, plan_for
from sandbox.models import Emulator

logger = logging.getLogger(__name__)

# The platform's retry intervals (FACTS.md §6), about 48 hours in all.
PLATFORM_RETRY_SECONDS = (60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400)
DEFAULT_RETRY_SECONDS = tuple(seconds / 60 for seconds in PLATFORM_RETRY_SECONDS)
CLAIM_MARGIN = timedelta(seconds=30)
BATCH_SIZE = 100

# The fault plan of the API request being served, so that its changes use the same plan.
active_plan: contextvars.ContextVar[FaultPlan | None] = contextvars.ContextVar(
    "bigcommerce_fault_plan", default=None
)


def retry_schedule() -> tuple[float, ...]:
    return tuple(getattr(settings, "SANDBOX_WEBHOOK_RETRY_SECONDS", DEFAULT_RETRY_SECONDS))


def request_timeout() -> float:
    return float(getattr(settings, "SANDBOX_WEBHOOK_TIMEOUT_SECONDS", 10))


def thread_enabled() -> bool:
    # Off only where callbacks are sent by explicit deliver_due() calls (tests).
    return bool(getattr(settings, "SANDBOX_WEBHOOK_THREAD", True))


def idle_poll_seconds() -> float:
    # Also how soon rows written by another process (a management command) are noticed.
    return float(getattr(settings, "SANDBOX_WEBHOOK_POLL_SECONDS", 5))


def callback_hash(data: dict) -> str:
    """SHA-1 of the payload data, as documented: equal data gives an equal hash."""
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(encoded.encode(), usedforsecurity=False).hexdigest()


def callback_body(store: SandboxStore, scope: str, data: dict, created_at: datetime) -> str:
    payload = {
        "scope": scope,
        "store_id": str(store.store_id),
        "data": data,
        "hash": callback_hash(data),
        "created_at": dates.unix(created_at),
        "producer": f"stores/{store.store_hash}",
    }
    return json.dumps(payload, separators=(",", ":"))


def scope_matches(subscribed: str, scope: str) -> bool:
    if subscribed.endswith("/*"):
        return scope.startswith(subscribed[:-1])
    return subscribed == scope


def emit(store: SandboxStore, scope: str, data: dict) -> int:
    """Queue the callback of one change for every active hook subscribed to its scope."""
    hooks = [
        hook
        for hook in Hook.objects.filter(store=store, is_active=True).only("id", "scope")
        if scope_matches(hook.scope, scope)
    ]
    if not hooks:
        return 0
    now = timezone.now()
    body = callback_body(store, scope, data, now)
    plan = active_plan.get() or plan_for(Emulator.BIGCOMMERCE)
    rows = []
    for hook in hooks:
        copies = 2 if plan.deliver_twice() else 1
        rows += [
            Delivery(store=store, hook=hook, scope=scope, body=body, next_attempt_at=now)
            for _ in range(copies)
        ]
    Delivery.objects.bulk_create(rows)
    transaction.on_commit(dispatcher.wake)
    return len(rows)


def deliver_due(now: datetime | None = None) -> int:
    """Send every callback due at `now` (default: now), here; the number of attempts made."""
    attempts = 0
    while True:
        moment = now or timezone.now()
        ids = list(
            Delivery.objects.filter(_due(moment))
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:BATCH_SIZE]
        )
        claimed = [pk for pk in ids if _claim(pk, moment)]
        for pk in claimed:
            _attempt(pk)
        attempts += len(claimed)
        if len(ids) < BATCH_SIZE:
            return attempts


def _due(now: datetime) -> Q:
    # A row left "sending" past its claim belongs to a process that died while sending.
    pending = Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    return pending | Q(status=Delivery.Status.SENDING, claimed_until__lt=now)


def _claim(pk: int, now: datetime) -> bool:
    until = now + timedelta(seconds=request_timeout()) + CLAIM_MARGIN
    claimed = Delivery.objects.filter(_due(now), pk=pk).update(
        status=Delivery.Status.SENDING, claimed_until=until
    )
    return claimed == 1


def _attempt(pk: int) -> None:
    delivery = Delivery.objects.select_related("hook").get(pk=pk)
    hook = delivery.hook
    if not hook.is_active:
        _finish(delivery, Delivery.Status.DROPPED)
        return
    headers = {"Content-Type": "application/json", **(hook.headers or {})}
    status_code, error = None, ""
    try:
        response = requests.post(
            hook.destination,
            data=delivery.body.encode(),
            headers=headers,
            timeout=request_timeout(),
            allow_redirects=False,
        )
        status_code = response.status_code
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"
    if status_code is not None and 200 <= status_code < 300:
        _finish(delivery, Delivery.Status.DELIVERED, status_code)
    else:
        _failed(delivery, status_code, error or f"HTTP {status_code}")


def _finish(delivery: Delivery, status: str, status_code: int | None = None) -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=status,
        attempts=delivery.attempts + (status != Delivery.Status.DROPPED),
        last_status_code=status_code,
        delivered_at=now if status == Delivery.Status.DELIVERED else None,
        claimed_until=None,
    )


def _failed(delivery: Delivery, status_code: int | None, error: str) -> None:
    now = timezone.now()
    schedule = retry_schedule()
    attempts = delivery.attempts + 1
    given_up = attempts > len(schedule)
    fields = {
        "attempts": attempts,
        "last_status_code": status_code,
        "last_error": error[:2000],
        "claimed_until": None,
        "status": Delivery.Status.FAILED if given_up else Delivery.Status.PENDING,
    }
    if not given_up:
        fields["next_attempt_at"] = now + timedelta(seconds=schedule[attempts - 1])
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(**fields)
        if given_up:
            deactivate(delivery.hook, now)


def deactivate(hook: Hook, now: datetime) -> None:
    logger.info("Webhook %s of store %s deactivated after failed retries", hook.pk, hook.store_id)
    Hook.objects.filter(pk=hook.pk).update(is_active=False, updated_at=now.replace(microsecond=0))
    Delivery.objects.filter(hook=hook, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.DROPPED
    )


def seconds_until_next_due(now: datetime | None = None) -> float | None:
    now = now or timezone.now()
    soonest = Delivery.objects.filter(status=Delivery.Status.PENDING).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    return None if soonest is None else max(0.0, (soonest - now).total_seconds())


class Dispatcher:
    """The delivery thread of this process: woken after each commit that queued callbacks."""

    def __init__(self):
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._pid = None

    def ensure_running(self) -> None:
        if not thread_enabled():
            return
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._stop.clear()
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="bigcommerce-webhooks", daemon=True
                )
                self._thread.start()

    def wake(self) -> None:
        self.ensure_running()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            self._wake.set()
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = self._pass()
            self._wake.wait(wait)

    def _pass(self) -> float:
        close_old_connections()
        try:
            deliver_due()
            soonest = seconds_until_next_due()
        except Exception:
            logger.exception("Webhook delivery pass failed")
            soonest = None
        finally:
            close_old_connections()
        poll = idle_poll_seconds()
        return poll if soonest is None else min(poll, soonest)


dispatcher = Dispatcher()
