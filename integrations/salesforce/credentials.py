"""What the auth flows need of an org: its credentials, and a place to keep its tokens.

The flows (`auth.py`) work on any object shaped like `OrgCredentials`; the app that owns the
orgs decides where the tokens live (`stores.models.SalesforceOrg` keeps them in its row).
"""

from dataclasses import dataclass
from typing import Protocol

from django.db import models


class AuthFlow(models.TextChoices):
    WEB_SERVER = "web_server", "Web server flow (OAuth, refresh token)"
    JWT_BEARER = "jwt_bearer", "JWT bearer (certificate)"
    CLIENT_CREDENTIALS = "client_credentials", "Client credentials"
    USERNAME_PASSWORD = "username_password", "Username and password"


@dataclass(frozen=True)
class Tokens:
    """What the token endpoint gave. No refresh token: keep the one held."""

    access_token: str
    instance_url: str
    refresh_token: str = ""


class OrgCredentials(Protocol):
    pk: int  # names the org's renewal lock, shared by every worker

    login_url: str
    auth_flow: str
    client_id: str
    client_secret: str
    username: str
    password: str
    security_token: str
    private_key: str

    refresh_token: str
    access_token: str
    instance_url: str
    api_version: str
    schema_generation: int  # part of the cache keys of the org's describes and price book

    def load_tokens(self) -> "OrgCredentials":
        """The org as stored now: another worker may have renewed its token meanwhile."""
        ...

    def save_tokens(self, tokens: Tokens) -> "OrgCredentials":
        """Keep new tokens (a rotated refresh token replaces the spent one) and clear the
        reconnection mark, in one short transaction; the org as saved."""
        ...

    def forget_schema(self) -> None:
        """Move to a new schema generation, so every worker reads the org's describes and
        standard price book afresh; this object shows the new generation."""
        ...

    def mark_refused(self, reason: str) -> None:
        """Salesforce refused the grant or the credentials: drop the access token and mark the
        org as needing reconnection, with the reason."""
        ...


def org_cache_key(org: OrgCredentials, *parts) -> str:
    """A cache key for what holds while the org stays as connected and its schema unchanged
    (describes, the standard price book, the connector's user): moving the org to a new schema
    generation (`forget_schema`, after an edit or a reconnection) leaves every such entry behind.
    """
    joined = ":".join(str(part) for part in parts)
    return f"sf:{org.pk}:{org.schema_generation}:{org.api_version}:{joined}"
