"""Errors in Salesforce's wire shapes.

REST answers carry a JSON array of `{message, errorCode, fields}`; sObject Collections put the
same facts in `{statusCode, message, fields}` items; Bulk API 2.0 writes them as one CSV cell,
`CODE:message:fields --`.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecordError:
    """Why one record could not be saved."""

    code: str
    message: str
    fields: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def collection_item(self) -> dict:
        return {
            "statusCode": self.code,
            "message": self.message,
            "fields": list(self.fields),
            **self.extra,
        }

    def bulk_text(self) -> str:
        fields = ",".join(self.fields)
        return f"{self.code}:{self.message}:{fields + ' ' if fields else ''}--"


class ApiError(Exception):
    """An answer other than success, raised anywhere below a view and rendered by it."""

    def __init__(self, status: int, code: str, message: str, fields=None, extra=None):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = None if fields is None else list(fields)
        self.extra = extra or {}

    def body(self) -> list[dict]:
        item = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            item["fields"] = self.fields
        return [{**self.extra, **item}]

    @classmethod
    def for_record(cls, error: RecordError, status: int = 400) -> "ApiError":
        return cls(status, error.code, error.message, error.fields, error.extra)


def not_found(message: str = "The requested resource does not exist") -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


def json_parser_error(message: str) -> ApiError:
    return ApiError(400, "JSON_PARSER_ERROR", message)


INVALID_SESSION = ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")
LOCK_ERROR = RecordError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record")
