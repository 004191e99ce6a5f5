"""Every call a client makes is recorded, so a sync log row can show the calls behind it.

`recording()` opens a scope (a run's page, one object's writes); the clients append a `Call` to
every open scope, so nested scopes each see their calls. Bodies are kept with secrets masked and
truncated.
"""

import contextvars
import json
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

BODY_LIMIT = 2000
# Keys whose values are masked in logged JSON bodies ("code" only alone: ProductCode is data).
SECRET_KEYS = re.compile(
    r"^code$|token|secret|password|assertion|authorization|signature|session_?id", re.IGNORECASE
)
SECRET_HEADERS = {"x-auth-token", "authorization", "cookie"}
MASKED = "••••"

_scopes: contextvars.ContextVar[tuple] = contextvars.ContextVar("api_calls", default=())


@dataclass
class Call:
    system: str
    method: str
    path: str
    status: int | None
    duration_ms: float
    request_bytes: int
    response_bytes: int
    request_body: str = ""
    response_body: str = ""
    error: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def recording():
    """Collect the calls made inside the block; yields the list they are appended to."""
    calls: list[Call] = []
    token = _scopes.set((*_scopes.get(), calls))
    try:
        yield calls
    finally:
        _scopes.reset(token)


def record(call: Call) -> None:
    for calls in _scopes.get():
        calls.append(call)


def path_of(url: str) -> str:
    """Path and query of a URL, with secret query parameters masked."""
    parts = urlsplit(url)
    return parts.path + (f"?{_mask_form(parts.query)}" if parts.query else "")


def mask_body(body) -> str:
    """A body as text for a log: secrets masked, cut to BODY_LIMIT characters."""
    if body is None or body == b"" or body == "":
        return ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return _truncate(_mask_form(body))
    return _truncate(json.dumps(_mask_value(body), default=str))


def mask_headers(headers) -> dict:
    return {k: (MASKED if k.lower() in SECRET_HEADERS else v) for k, v in (headers or {}).items()}


def _mask_value(value):
    if isinstance(value, dict):
        return {
            k: (MASKED if SECRET_KEYS.search(str(k)) and v else _mask_value(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_value(v) for v in value]
    return value


def _mask_form(text: str) -> str:
    """Mask `key=value` pairs of a form body whose key names a secret."""
    return re.sub(
        r"(?<![^&?\s])(code|[A-Za-z_]*(?:token|secret|password|assertion))=([^&\s]+)",
        lambda m: f"{m.group(1)}={MASKED}",
        text,
        flags=re.IGNORECASE,
    )


def _truncate(text: str) -> str:
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + f"… ({len(text)} chars)"
