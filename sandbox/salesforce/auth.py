"""Authenticating API calls by their access token, and expiring sessions on purpose.

An expired or unknown token gets 401 with the INVALID_SESSION_ID error array, the only form
simple-salesforce's refresh logic understands.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.salesforce.errors import INVALID_SESSION
from sandbox.salesforce.models import AccessToken, Org
from sandbox.salesforce.oauth import digest


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` (or `OAuth <token>`) header."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() not in ("bearer", "oauth") or not token.strip():
        return None
    return token.strip()


def session_for(authorization: str, plan) -> AccessToken:
    """The live session of the call; raises INVALID_SESSION when there is none."""
    token = bearer_token(authorization)
    session = None
    if token:
        session = (
            AccessToken.objects.select_related("org", "user", "app")
            .filter(token_hash=digest(token), expired_at__isnull=True)
            .first()
        )
    if session is None:
        raise INVALID_SESSION
    if plan.session_expiry_every and _is_expiring_call(session.org, plan.session_expiry_every):
        AccessToken.objects.filter(pk=session.pk).update(expired_at=timezone.now())
        raise INVALID_SESSION
    return session


def _is_expiring_call(org: Org, every: int) -> bool:
    """Count the org's authenticated call; every Nth one finds its session expired."""
    with transaction.atomic():
        Org.objects.filter(pk=org.pk).update(authenticated_calls=F("authenticated_calls") + 1)
        calls = Org.objects.values_list("authenticated_calls", flat=True).get(pk=org.pk)
    return calls % every == 0


def expire_sessions(org: Org) -> int:
    """Expire every live access token of the org now; returns how many there were."""
    return AccessToken.objects.filter(org=org, expired_at__isnull=True).update(
        expired_at=timezone.now()
    )
