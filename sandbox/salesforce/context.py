"""Who is calling, and what a handler gets and returns, independent of Django's request."""

import json
from dataclasses import dataclass, field

from sandbox.faults import FaultPlan
from sandbox.salesforce.custom_schema import load_schema
from sandbox.salesforce.errors import json_parser_error
from sandbox.salesforce.models import ConnectedApp, Org, OrgUser
from sandbox.salesforce.schema import OrgSchema

JSON_TYPE = "application/json;charset=UTF-8"
CSV_TYPE = "text/csv"


@dataclass
class CallContext:
    org: Org
    user: OrgUser
    app: ConnectedApp | None
    plan: FaultPlan
    base_url: str
    version: str = ""
    headers: dict = field(default_factory=dict)
    loaded_schema: OrgSchema | None = field(default=None, repr=False)

    @property
    def schema(self) -> OrgSchema:
        if self.loaded_schema is None:
            self.loaded_schema = load_schema(self.org)
        return self.loaded_schema

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def api_version(self) -> float:
        return float(self.version or 0)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def allows_duplicate_save(self) -> bool:
        """Sforce-Duplicate-Rule-Header: allowSave=true (bypasses rules set to alert only)."""
        header = (self.header("Sforce-Duplicate-Rule-Header") or "").replace(" ", "").lower()
        return "allowsave=true" in header.split(";")


@dataclass
class ApiRequest:
    method: str
    ctx: CallContext
    kwargs: dict
    query: dict
    body: bytes = b""

    def json(self):
        if not self.body.strip():
            raise json_parser_error("The request body is empty")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise json_parser_error(f"Unexpected character in the request body: {exc}") from None

    def json_object(self) -> dict:
        body = self.json()
        if not isinstance(body, dict):
            raise json_parser_error("Cannot deserialize instance of object from START_ARRAY")
        return body

    def param(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)


@dataclass
class ApiResponse:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)
    content_type: str = JSON_TYPE


def ok(body, status: int = 200, **headers) -> ApiResponse:
    return ApiResponse(status=status, body=body, headers=headers)


def no_content() -> ApiResponse:
    return ApiResponse(status=204)
