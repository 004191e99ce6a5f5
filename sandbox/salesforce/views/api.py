"""The request pipeline of the emulated REST API.

Every call: injected faults (latency, 500/503), the session (401 INVALID_SESSION_ID), the daily
allocation (403 REQUEST_LIMIT_EXCEEDED, `Sforce-Limit-Info` on every authenticated answer),
then the handler, inside a transaction if it writes. Counting happens outside that
transaction, so a call that fails still counts, as it does on Salesforce.
"""

import secrets

import orjson
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.faults import plan_for
from sandbox.models import Emulator
from sandbox.salesforce import auth, limits
from sandbox.salesforce.context import JSON_TYPE, ApiRequest, ApiResponse, CallContext
from sandbox.salesforce.errors import ApiError, not_found
from sandbox.salesforce.versions import is_supported

SERVER_ERRORS = {
    500: (
        "UNKNOWN_EXCEPTION",
        "An unexpected error occurred. Please include this ErrorId if "
        "you contact support: {error_id}",
    ),
    503: ("SERVER_UNAVAILABLE", "Server is temporarily unavailable. Please try again later."),
}


def emulator_view(view):
    """The decorators every emulator view carries."""
    return csrf_exempt(login_not_required(transaction.non_atomic_requests(view)))


def render(response: ApiResponse) -> HttpResponse:
    if response.body is None:
        http = HttpResponse(status=response.status)
    elif response.content_type == JSON_TYPE:
        http = HttpResponse(
            orjson.dumps(response.body, default=str, option=orjson.OPT_NON_STR_KEYS),
            status=response.status,
            content_type=JSON_TYPE,
        )
    else:
        http = HttpResponse(
            response.body, status=response.status, content_type=response.content_type
        )
    for name, value in response.headers.items():
        http[name] = value
    return http


def error_response(error: ApiError) -> ApiResponse:
    return ApiResponse(status=error.status, body=error.body())


def injected_failure(plan) -> HttpResponse | None:
    """Apply the latency of the fault plan; a 500/503 answer if this request must fail."""
    plan.wait()
    status = plan.server_error_status()
    if status is None:
        return None
    code, message = SERVER_ERRORS[status]
    error_id = (
        f"{secrets.randbelow(10**9)}-{secrets.randbelow(10**6)} (-{secrets.randbelow(10**9)})"
    )
    return render(error_response(ApiError(status, code, message.format(error_id=error_id))))


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def api_endpoint(handlers: dict, *, in_composite: bool = True):
    """A view running `handlers[method](ApiRequest) -> ApiResponse` behind the pipeline."""

    @emulator_view
    def view(request, version: str | None = None, **kwargs):
        plan = plan_for(Emulator.SALESFORCE)
        failure = injected_failure(plan)
        if failure is not None:
            return failure
        usage = None
        try:
            if version is not None and not is_supported(version):
                raise not_found()
            session = auth.session_for(request.headers.get("Authorization", ""), plan)
            usage = limits.spend_call(session.org)
            handler = handlers.get(request.method)
            if handler is None:
                raise _method_not_allowed(request.method, handlers)
            ctx = _context(request, session, plan, version)
            response = _run(
                handler, ApiRequest(request.method, ctx, kwargs, request.GET, request.body)
            )
        except limits.LimitExceeded as exceeded:
            usage, response = exceeded.usage, error_response(exceeded)
        except ApiError as error:
            response = error_response(error)
        if usage is not None:
            response.headers["Sforce-Limit-Info"] = usage.header
        return render(response)

    view.handlers = handlers
    view.in_composite = in_composite
    return view


def _context(request, session, plan, version: str | None) -> CallContext:
    return CallContext(
        org=session.org,
        user=session.user,
        app=session.app,
        plan=plan,
        base_url=base_url(request),
        version=version or "",
        headers={name.lower(): value for name, value in request.headers.items()},
    )


def _run(handler, api_request: ApiRequest) -> ApiResponse:
    """Writes run in one transaction; reads do not, so that they never wait for SQLite's
    write lock, which a transaction takes when it begins."""
    if api_request.method == "GET":
        return handler(api_request)
    with transaction.atomic():
        return handler(api_request)


def _method_not_allowed(method: str, handlers: dict) -> ApiError:
    allowed = ",".join(sorted(handlers))
    return ApiError(
        405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {allowed}"
    )
