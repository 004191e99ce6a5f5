"""OAuth 2.0 token grants of the emulated orgs, with Salesforce's answers and error shapes.

Token answers carry `access_token`, `signature` (HMAC-SHA256 of the identity URL and
`issued_at` with the consumer secret), `instance_url`, `id` (the identity URL), `token_type`,
`issued_at` in milliseconds, and `scope` and `refresh_token` where the flow grants them. The
username-password and client-credentials flows issue no refresh token.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.utils import timezone

from sandbox.salesforce.models import (
    AccessToken,
    AuthorizationCode,
    ConnectedApp,
    OrgUser,
    RefreshToken,
)

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CODE_LIFETIME = timedelta(minutes=15)
CLOCK_SKEW_SECONDS = 60
# Audiences Salesforce accepts for a JWT: its login hosts. The emulator also accepts its own URL,
# which is the login URL of an org that points at the sandbox.
LOGIN_AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")


@dataclass
class OAuthError(Exception):
    error: str
    description: str
    status: int = 400

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


INVALID_CLIENT_ID = OAuthError("invalid_client_id", "client identifier invalid")
INVALID_CLIENT = OAuthError("invalid_client", "invalid client credentials")
AUTHENTICATION_FAILURE = OAuthError("invalid_grant", "authentication failure")
EXPIRED_TOKEN = OAuthError("invalid_grant", "expired access/refresh token")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_answer(app: ConnectedApp, user: OrgUser, base_url: str, **options) -> dict:
    """Create an access token (and, if asked, a refresh token) and the answer that carries it."""
    org = app.org
    access_token = f"{org.org_id[:15]}!{secrets.token_urlsafe(72)}"
    issued = timezone.now()
    AccessToken.objects.create(
        token_hash=digest(access_token), org=org, app=app, user=user, issued_at=issued
    )
    issued_at = str(int(issued.timestamp() * 1000))
    identity = f"{base_url}/id/{org.org_id}/{user.user_id}"
    signed = hmac.new(app.consumer_secret.encode(), (identity + issued_at).encode(), "sha256")
    answer = {"access_token": access_token}
    if options.get("refresh_token"):
        answer["refresh_token"] = options["refresh_token"]
    answer["signature"] = base64.b64encode(signed.digest()).decode()
    if options.get("with_scope", True):
        answer["scope"] = app.scopes
    answer.update(instance_url=base_url, id=identity)
    answer["token_type"] = "Bearer"  # noqa: S105 - the token type, not a token
    answer["issued_at"] = issued_at
    return answer


def new_refresh_token(app: ConnectedApp, user: OrgUser) -> str:
    token = f"5Aep{secrets.token_urlsafe(64)}"
    RefreshToken.objects.create(token_hash=digest(token), app=app, user=user)
    return token


def client_app(client_id: str | None, client_secret: str | None, *, secret_required=True):
    app = ConnectedApp.objects.select_related("org", "run_as").filter(consumer_key=client_id or "")
    app = app.first()
    if app is None:
        raise INVALID_CLIENT_ID
    checks_secret = secret_required or client_secret
    secret = (client_secret or "").encode()
    if checks_secret and not hmac.compare_digest(secret, app.consumer_secret.encode()):
        raise INVALID_CLIENT
    return app


def password_grant(app: ConnectedApp, username: str, password: str, base_url: str) -> dict:
    user = OrgUser.objects.filter(org=app.org, username=username or "").first()
    if user is None or not _password_matches(user, password or ""):
        raise AUTHENTICATION_FAILURE
    return token_answer(app, user, base_url, with_scope=False)


def _password_matches(user: OrgUser, given: str) -> bool:
    """The password with the user's security token appended, as the flow requires."""
    expected = user.password + user.security_token
    return hmac.compare_digest(given.encode(), expected.encode())


def client_credentials_grant(app: ConnectedApp, base_url: str) -> dict:
    if app.run_as is None:
        raise OAuthError("invalid_grant", "no client credentials user enabled")
    return token_answer(app, app.run_as, base_url)


def refresh_grant(app: ConnectedApp, refresh_token: str, base_url: str) -> dict:
    row = (
        RefreshToken.objects.select_related("user")
        .filter(token_hash=digest(refresh_token or ""), app=app, revoked_at__isnull=True)
        .first()
    )
    if row is None:
        raise EXPIRED_TOKEN
    rotated = None
    if app.rotate_refresh_tokens:
        # Each refresh token works once; the answer carries its successor.
        RefreshToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
        rotated = new_refresh_token(app, row.user)
    return token_answer(app, row.user, base_url, refresh_token=rotated)


def authorization_code_grant(app, code: str, redirect_uri: str, base_url: str) -> dict:
    row = (
        AuthorizationCode.objects.select_related("user")
        .filter(code_hash=digest(code or ""), app=app, used_at__isnull=True)
        .first()
    )
    if row is None or row.created_at < timezone.now() - CODE_LIFETIME:
        raise OAuthError("invalid_grant", "invalid authorization code")
    if row.redirect_uri != (redirect_uri or ""):
        raise OAuthError("redirect_uri_mismatch", "redirect_uri must match configuration")
    AuthorizationCode.objects.filter(pk=row.pk).update(used_at=timezone.now())
    refresh_token = new_refresh_token(app, row.user)
    return token_answer(app, row.user, base_url, refresh_token=refresh_token)


def new_authorization_code(app: ConnectedApp, user: OrgUser, redirect_uri: str) -> str:
    code = f"aPrx{secrets.token_urlsafe(48)}"
    AuthorizationCode.objects.create(
        code_hash=digest(code), app=app, user=user, redirect_uri=redirect_uri
    )
    return code


def jwt_grant(assertion: str, base_url: str) -> dict:
    """The JWT bearer flow: an RS256 assertion signed with the connected app's key."""
    try:
        claims = jwt.decode(assertion or "", options={"verify_signature": False})
    except jwt.PyJWTError:
        raise OAuthError("invalid_grant", "invalid assertion") from None
    app = client_app(claims.get("iss"), None, secret_required=False)
    _verify_assertion(app, assertion, base_url)
    user = OrgUser.objects.filter(org=app.org, username=claims.get("sub") or "").first()
    if user is None:
        raise OAuthError("invalid_grant", "user hasn't approved this consumer")
    return token_answer(app, user, base_url)


def _verify_assertion(app: ConnectedApp, assertion: str, base_url: str) -> None:
    try:
        claims = jwt.decode(
            assertion,
            _public_key(app.certificate_pem),
            algorithms=["RS256"],
            options={"verify_aud": False, "require": ["exp"]},
            leeway=CLOCK_SKEW_SECONDS,
        )
    except jwt.ExpiredSignatureError:
        # What clients report for a JWT whose exp has passed.
        raise OAuthError("invalid_grant", "expired authorization code") from None
    except (jwt.PyJWTError, ValueError):
        raise OAuthError("invalid_grant", "invalid assertion") from None
    audiences = claims.get("aud")
    audiences = audiences if isinstance(audiences, list) else [audiences]
    accepted = {*LOGIN_AUDIENCES, base_url.rstrip("/")}
    if not any(isinstance(aud, str) and aud.rstrip("/") in accepted for aud in audiences):
        raise OAuthError("invalid_grant", "Audience validation failed")


def _public_key(pem: str):
    data = pem.encode()
    if b"CERTIFICATE" in data:
        return x509.load_pem_x509_certificate(data).public_key()
    return load_pem_public_key(data)


def revoke(token: str) -> bool:
    """Revoke a refresh token (and every session of its user and app) or an access token."""
    hashed = digest(token or "")
    now = timezone.now()
    refresh = RefreshToken.objects.filter(token_hash=hashed, revoked_at__isnull=True).first()
    if refresh is not None:
        RefreshToken.objects.filter(pk=refresh.pk).update(revoked_at=now)
        AccessToken.objects.filter(
            app=refresh.app, user=refresh.user, expired_at__isnull=True
        ).update(expired_at=now)
        return True
    return bool(
        AccessToken.objects.filter(token_hash=hashed, expired_at__isnull=True).update(
            expired_at=now
        )
    )
