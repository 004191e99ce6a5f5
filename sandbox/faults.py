"""Fault injection shared by the two emulators.

Each emulator asks `plan_for(emulator)` once per request and applies the parts it supports,
answering in its own wire format (BigCommerce v2/v3 error bodies, Salesforce error arrays).
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from sandbox.models import Emulator, FaultProfile

_random = random.SystemRandom()


@dataclass(frozen=True)
class FaultPlan:
    latency_ms: int = 0
    jitter_ms: int = 0
    error_share: float = 0.0
    hang_share: float = 0.0
    hang_seconds: int = 30
    rate_limit_storm_until: datetime | None = None
    rate_limit_storm_headers: bool = True
    session_expiry_every: int = 0
    lock_error_share: float = 0.0
    duplicate_delivery_share: float = 0.0

    @property
    def in_rate_limit_storm(self) -> bool:
        return (
            self.rate_limit_storm_until is not None and timezone.now() < self.rate_limit_storm_until
        )

    def wait(self) -> None:
        """Sleep for the added latency, and for a long time if this request hangs."""
        delay_ms = self.latency_ms + (_random.uniform(0, self.jitter_ms) if self.jitter_ms else 0)
        if chance(self.hang_share):
            delay_ms += self.hang_seconds * 1000
        if delay_ms:
            time.sleep(delay_ms / 1000)

    def server_error_status(self) -> int | None:
        """500 or 503 for the share of requests that should fail, else None."""
        if chance(self.error_share):
            return _random.choice((500, 503))
        return None

    def lock_error(self) -> bool:
        return chance(self.lock_error_share)

    def deliver_twice(self) -> bool:
        return chance(self.duplicate_delivery_share)


NO_FAULTS = FaultPlan()
PLAN_FIELDS = tuple(FaultPlan.__dataclass_fields__)


def chance(share: float) -> bool:
    return share > 0 and (share >= 1 or _random.random() < share)


def plan_for(emulator: Emulator) -> FaultPlan:
    profile = FaultProfile.objects.filter(emulator=emulator).values(*PLAN_FIELDS).first()
    return FaultPlan(**profile) if profile else NO_FAULTS


def set_faults(emulator: Emulator, **knobs) -> FaultProfile:
    """Change some knobs of an emulator's fault profile; the others keep their values."""
    unknown = set(knobs) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fault knobs: {', '.join(sorted(unknown))}")
    profile, _ = FaultProfile.objects.get_or_create(emulator=emulator)
    for name, value in knobs.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


def clear_faults(emulator: Emulator) -> None:
    FaultProfile.objects.filter(emulator=emulator).delete()
