"""Salesforce tokens are the connector's: simple-salesforce cannot refresh them.

Four flows obtain an access token (web server with refresh token, JWT bearer, client
credentials, username-password). Renewal happens under a lock per org shared by every worker,
so that when several find the token expired at once, one renews it and the others use the
result: a rotating refresh token is spent exactly once, and its successor is stored before the
lock is released.

The flows read an org's credentials and keep its tokens through `OrgCredentials`
(`credentials.py`); they hold no database transaction while Salesforce answers.
"""

import re
import secrets
import time
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.core.cache import cache

from connector.locks import LockTimeout, cache_lock
from integrations import errors, hosts
from integrations.http import Session
from integrations.salesforce.credentials import AuthFlow, OrgCredentials, Tokens, org_cache_key
from integrations.salesforce.errors import SYSTEM

TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 - a path, not a password
AUTHORIZE_PATH = "/services/oauth2/authorize"
JWT_LIFETIME_SECONDS = 180
GRANT_REFUSALS = {"invalid_grant", "invalid_client", "invalid_client_id", "unauthorized_client"}
# A token answer's `id` is the identity URL .../id/<orgId>/<userId>.
IDENTITY_PATH = re.compile(r"/id/[A-Za-z0-9]{15,18}/([A-Za-z0-9]{15,18})/?$")
USER_ID_TTL = 24 * 3600


class NeedsReconnect(errors.AuthError):
    """The org's grant or credentials were refused: an admin must fix or reconnect it."""


def authorize_url(org: OrgCredentials, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": org.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": "api refresh_token",
        }
    )
    return f"{org.login_url.rstrip('/')}{AUTHORIZE_PATH}?{query}"


def new_state() -> str:
    return secrets.token_urlsafe(24)


def exchange_code(org: OrgCredentials, code: str, redirect_uri: str) -> OrgCredentials:
    """Finish the web-server flow: swap the authorization code for tokens and keep them."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": org.client_id,
        "client_secret": org.client_secret,
        "redirect_uri": redirect_uri,
    }
    with _reconnect_flag_on_refusal(org), _renewal_lock(org):
        return _keep(org, _token_request(org, form))


def renew_token(org: OrgCredentials, stale_token: str = "") -> OrgCredentials:
    """A fresh access token for the org, unless another worker already replaced `stale_token`.

    One renewal at a time per org, under a lock shared by every worker; the token request is
    made outside any database transaction.
    """
    with _reconnect_flag_on_refusal(org), _renewal_lock(org):
        current = org.load_tokens()
        if current.access_token and current.access_token != stale_token and current.instance_url:
            return current
        return _keep(current, _token_request(current, _grant(current)))


@contextmanager
def _renewal_lock(org: OrgCredentials):
    try:
        with cache_lock(f"salesforce-token:{org.pk}", wait_seconds=45):
            yield
    except LockTimeout as exc:
        raise errors.TransientError(
            "Another worker has been renewing this org's token for too long", system=SYSTEM
        ) from exc


@contextmanager
def _reconnect_flag_on_refusal(org: OrgCredentials):
    """Mark the org as needing reconnection when Salesforce refuses its grant.

    Written after the failed block's transaction has rolled back, so the mark stays.
    """
    try:
        yield
    except NeedsReconnect as exc:
        org.mark_refused(str(exc))
        raise


def _grant(org: OrgCredentials) -> dict:
    if org.auth_flow == AuthFlow.JWT_BEARER:
        return {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": jwt_assertion(org),
        }
    if org.auth_flow == AuthFlow.CLIENT_CREDENTIALS:
        return {
            "grant_type": "client_credentials",
            "client_id": org.client_id,
            "client_secret": org.client_secret,
        }
    if org.auth_flow == AuthFlow.USERNAME_PASSWORD:
        return {
            "grant_type": "password",
            "client_id": org.client_id,
            "client_secret": org.client_secret,
            "username": org.username,
            "password": org.password + org.security_token,
        }
    if not org.refresh_token:
        raise NeedsReconnect(
            "Connect the org in the console first: Salesforce asks a person to approve "
            "the connected app.",
            system=SYSTEM,
        )
    return {
        "grant_type": "refresh_token",
        "refresh_token": org.refresh_token,
        "client_id": org.client_id,
        "client_secret": org.client_secret,
    }


def jwt_assertion(org: OrgCredentials) -> str:
    claims = {
        "iss": org.client_id,
        "sub": org.username,
        "aud": org.login_url.rstrip("/"),
        "exp": int(time.time()) + JWT_LIFETIME_SECONDS,
    }
    return jwt.encode(claims, org.private_key, algorithm="RS256")


def _token_request(org: OrgCredentials, form: dict) -> dict:
    url = f"{org.login_url.rstrip('/')}{TOKEN_PATH}"
    hosts.check_destination(url, SYSTEM)  # the form carries the org's secret, password or JWT
    try:
        response = Session(SYSTEM).post(
            url, data={**form, "format": "json"}, headers={"Accept": "application/json"}
        )
    except requests.RequestException as exc:
        raise errors.TransientError(f"Token request failed: {exc}", system=SYSTEM) from exc
    if response.ok:
        return response.json()
    _refuse(response)


def _refuse(response: requests.Response) -> NoReturn:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):  # a gateway's error page, or a REST-style error list
        body = {"error": f"HTTP {response.status_code}", "error_description": response.text[:300]}
    code = str(body.get("error", ""))
    message = f"{code}: {body.get('error_description', '')}".strip(": ")
    kwargs = {"status": response.status_code, "system": SYSTEM, "code": code}
    if response.status_code >= 500:
        raise errors.TransientError(message, **kwargs)
    if code in GRANT_REFUSALS:
        raise NeedsReconnect(message, **kwargs)
    raise errors.AuthError(message, **kwargs)


def _keep(org: OrgCredentials, body: dict) -> OrgCredentials:
    """Store what the token endpoint gave, and remember whose token it is."""
    saved = org.save_tokens(
        Tokens(
            access_token=body["access_token"],
            instance_url=body["instance_url"],
            refresh_token=body.get("refresh_token") or "",
        )
    )
    user_id = user_id_of(body.get("id") or "")
    if user_id:
        remember_user_id(saved, user_id)
    return saved


def user_id_of(identity_url: str) -> str | None:
    found = IDENTITY_PATH.search(urlsplit(identity_url).path)
    return found.group(1) if found else None


def known_user_id(org: OrgCredentials) -> str | None:
    """The Id of the user the org's tokens act as, if Salesforce said it within a day."""
    return cache.get(_user_id_key(org))


def remember_user_id(org: OrgCredentials, user_id: str) -> None:
    cache.set(_user_id_key(org), user_id, timeout=USER_ID_TTL)


def _user_id_key(org: OrgCredentials) -> str:
    return org_cache_key(org, "user-id")
