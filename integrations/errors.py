"""Typed errors shared by the BigCommerce and Salesforce clients.

Every failure says whether trying again later can succeed (`retryable`), so pipelines and tasks
retry only what can, and turn the rest into a log row an admin can act on. No client returns
None on failure.
"""


class APIError(Exception):
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        details=None,
        system: str = "",
        code: str = "",
        fields=(),
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details
        self.system = system
        self.code = code  # the system's own error code, e.g. Salesforce's REQUIRED_FIELD_MISSING
        self.fields = list(fields)

    def __str__(self):
        prefix = f"{self.system} " if self.system else ""
        status = f"HTTP {self.status}: " if self.status else ""
        code = f"{self.code}: " if self.code else ""
        return f"{prefix}{status}{code}{self.message}"


class AuthError(APIError):
    """Bad or expired credentials, or a missing scope/permission (401, 403)."""


class NotFound(APIError):
    """The record or endpoint does not exist (404)."""


class ValidationFailed(APIError):
    """The request was understood and refused: fix the data or the mapping (400, 422)."""

    def __init__(self, message: str, *, field_errors: dict | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.field_errors = field_errors or {}


class Conflict(APIError):
    """The request conflicts with the current state (409), e.g. a duplicate key."""


class RateLimited(APIError):
    """Too many requests; `retry_after` seconds until the quota refreshes."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class TransientError(APIError):
    """5xx, timeouts and connection errors: the same request may succeed later."""

    retryable = True


class PermanentError(APIError):
    """Anything else that will fail again unchanged."""
