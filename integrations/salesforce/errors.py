"""How Salesforce answers map to the typed errors of integrations.errors."""

from simple_salesforce import exceptions as sf_exceptions

from integrations import errors

SYSTEM = "Salesforce"
# Codes that mean "not saved now, may be saved later" (FACTS.md §2, DESIGN.md §6).
RETRYABLE_CODES = {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG"}
# Salesforce's daily quota is a rolling 24 h window; an hour is a reasonable first wait.
REQUEST_LIMIT_RETRY_SECONDS = 3600


class ReplicationGap(errors.PermanentError):
    """A getDeleted window starts before what the org's delete log still holds, so deletions
    in it may be missing: the caller must compare full sets of records instead.

    `earliest_available` is where the log now begins (None if Salesforce refused the window
    without saying); `answer` is what getDeleted returned, when it answered.
    """

    def __init__(self, message: str, *, earliest_available=None, answer=None, **kwargs):
        kwargs.setdefault("code", "INVALID_REPLICATION_DATE")
        super().__init__(message, system=SYSTEM, **kwargs)
        self.earliest_available = earliest_available
        self.answer = answer


def from_error_item(item: dict, status: int | None = None) -> errors.APIError:
    """A typed error from one `{message, errorCode|statusCode, fields}` item."""
    code = item.get("errorCode") or item.get("statusCode") or ""
    message = item.get("message") or code or "Salesforce refused the request"
    kwargs = {
        "status": status,
        "system": SYSTEM,
        "code": code,
        "fields": item.get("fields") or [],
        "details": item,
    }
    if code in RETRYABLE_CODES:
        return errors.TransientError(message, **kwargs)
    if code == "REQUEST_LIMIT_EXCEEDED":
        return errors.RateLimited(message, retry_after=REQUEST_LIMIT_RETRY_SECONDS, **kwargs)
    if code in ("INVALID_SESSION_ID", "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY"):
        return errors.AuthError(message, **kwargs)
    if code in ("NOT_FOUND", "ENTITY_IS_DELETED"):
        return errors.NotFound(message, **kwargs)
    if code in ("DUPLICATE_VALUE", "DUPLICATES_DETECTED"):
        return errors.Conflict(message, **kwargs)
    return errors.ValidationFailed(message, **kwargs)


def from_exception(exc: sf_exceptions.SalesforceError) -> errors.APIError:
    """A typed error from a simple-salesforce exception."""
    status = getattr(exc, "status", None)
    content = getattr(exc, "content", None)
    if isinstance(exc, sf_exceptions.SalesforceMoreThanOneRecord):
        return errors.Conflict(
            "Several records match this external ID",
            status=300,
            system=SYSTEM,
            code="MULTIPLE_MATCHES",
            details=content,
        )
    first = content[0] if isinstance(content, list) and content else None
    if status is not None and status >= 500:
        item = first if isinstance(first, dict) else {}
        return errors.TransientError(
            item.get("message") or str(content)[:500],
            status=status,
            system=SYSTEM,
            code=item.get("errorCode", ""),
        )
    if isinstance(first, dict):
        return from_error_item(first, status)
    if isinstance(exc, sf_exceptions.SalesforceResourceNotFound):
        return errors.NotFound(str(content)[:500], status=status, system=SYSTEM)
    if isinstance(exc, sf_exceptions.SalesforceExpiredSession):
        return errors.AuthError("Session expired or invalid", status=status, system=SYSTEM)
    return errors.PermanentError(str(content)[:500] or str(exc), status=status, system=SYSTEM)
