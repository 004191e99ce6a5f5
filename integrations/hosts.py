"""Where the connector may send a store's or an org's credentials.

A BigCommerce access token goes only to BigCommerce's API host, and a Salesforce consumer
secret, password or signed JWT only to Salesforce's login hosts. Other hosts (a proxy, a
staging emulator) must be listed by the operator in CONNECTOR_ALLOWED_API_HOSTS; with the
sandbox on, the connector's own host is allowed too, since the emulators answer there.

The store and org forms refuse other hosts, and the clients check again just before they send,
so a row written some other way cannot leak a credential either.
"""

from urllib.parse import urlsplit

from django.conf import settings

from integrations import errors

OFFICIAL_HOSTS = {
    "BigCommerce": ("api.bigcommerce.com",),
    # My Domain login hosts (also <domain>--<sandbox>.sandbox.my.salesforce.com) match the wildcard.
    "Salesforce": ("login.salesforce.com", "test.salesforce.com", "*.my.salesforce.com"),
}
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class HostNotAllowed(errors.APIError):
    """A credential would go to a host that is neither official nor allowed by the operator."""


def allowed_hosts(system: str) -> list[str]:
    hosts = [*OFFICIAL_HOSTS[system], *settings.CONNECTOR_ALLOWED_API_HOSTS]
    if settings.SANDBOX_ENABLED:
        hosts += [*LOOPBACK_HOSTS, *settings.SANDBOX_HOSTS]
        public_host = urlsplit(settings.CONNECTOR_PUBLIC_URL).hostname
        if public_host:
            hosts.append(public_host)
    return hosts


def host_matches(host: str, pattern: str) -> bool:
    """`*.example.com` matches any name under example.com (not example.com itself)."""
    host, pattern = host.lower().rstrip("."), pattern.strip().lower().rstrip(".")
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


def refusal(url: str, system: str) -> str:
    """Why `url` may not receive `system` credentials, or "" if it may."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return f"{url!r} names no host."
    if parts.scheme != "https" and host not in LOOPBACK_HOSTS:
        return f"{system} credentials are sent over https only, not to {url}."
    if any(host_matches(host, pattern) for pattern in allowed_hosts(system)):
        return ""
    official = ", ".join(OFFICIAL_HOSTS[system])
    return (
        f"{host} is not a {system} host ({official}); the operator can allow it by adding it "
        "to CONNECTOR_ALLOWED_API_HOSTS."
    )


def check_destination(url: str, system: str) -> None:
    """Raise HostNotAllowed unless `url` may receive `system` credentials."""
    reason = refusal(url, system)
    if reason:
        raise HostNotAllowed(f"Credentials not sent: {reason}", system=system)
