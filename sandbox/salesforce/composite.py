"""Composite: up to 25 subrequests in one call, later ones referring to earlier results.

`@{ref.field}` (with `.name` and `[index]` steps) is replaced by a value of an earlier
subrequest's answer. The call answers 200 with one `compositeResponse` item per subrequest.
With allOrNone, the first failure rolls everything back and every other subrequest answers
400 PROCESSING_HALTED; without it each subrequest commits on its own. The whole call counts as
one API request.
"""

import json
import re
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve

from sandbox.salesforce.context import ApiRequest, ApiResponse
from sandbox.salesforce.errors import ApiError, json_parser_error, not_found

MAX_SUBREQUESTS = 25
REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")
STEP = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")
REFERENCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]*$")
ROLLED_BACK_MESSAGE = (
    "The transaction was rolled back since another operation in the same transaction failed."
)
URL_PREFIX = re.compile(r"^/services/data/v(\d+\.\d)/")


class MissingReference(Exception):
    pass


def run(ctx, body: dict) -> dict:
    subrequests = _subrequests(body)
    all_or_none = body.get("allOrNone") is True or str(body.get("allOrNone")).lower() == "true"
    answers, results, failed = [], {}, False
    with transaction.atomic():
        for sub in subrequests:
            if failed and all_or_none:
                answers.append(_halted(sub["referenceId"], ROLLED_BACK_MESSAGE))
                continue
            answer = _run_one(ctx, sub, results)
            answers.append(answer)
            if answer["httpStatusCode"] >= 400:
                failed = True
            else:
                results[sub["referenceId"]] = answer["body"]
        if failed and all_or_none:
            transaction.set_rollback(True)
            answers = [
                answer
                if answer["httpStatusCode"] >= 400
                else _halted(answer["referenceId"], ROLLED_BACK_MESSAGE)
                for answer in answers
            ]
    return {"compositeResponse": answers}


def _subrequests(body: dict) -> list[dict]:
    subrequests = body.get("compositeRequest")
    if not isinstance(subrequests, list) or not subrequests:
        raise json_parser_error("compositeRequest must be a non-empty list")
    if len(subrequests) > MAX_SUBREQUESTS:
        raise ApiError(
            400,
            "LIMIT_EXCEEDED",
            f"Composite requests cannot have more than {MAX_SUBREQUESTS} subrequests",
        )
    seen = set()
    for sub in subrequests:
        if not isinstance(sub, dict) or not all(
            sub.get(k) for k in ("method", "url", "referenceId")
        ):
            raise json_parser_error("Each subrequest needs a method, a url and a referenceId")
        reference_id = str(sub["referenceId"])
        if not REFERENCE_ID.match(reference_id) or reference_id in seen:
            raise ApiError(
                400, "INVALID_INPUT", f"Invalid or duplicate referenceId: {reference_id}"
            )
        seen.add(reference_id)
    return subrequests


def _halted(reference_id: str, message: str) -> dict:
    return {
        "body": [{"errorCode": "PROCESSING_HALTED", "message": message}],
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": reference_id,
    }


def _run_one(ctx, sub: dict, results: dict) -> dict:
    reference_id = sub["referenceId"]
    try:
        url = _substitute_text(sub["url"], results)
        body = _substitute(sub.get("body"), results)
    except MissingReference as missing:
        return _halted(reference_id, f"Invalid reference specified. {missing}")
    try:
        with transaction.atomic():
            response = dispatch(ctx, sub["method"].upper(), url, body, sub.get("httpHeaders") or {})
    except ApiError as error:
        response = ApiResponse(status=error.status, body=error.body())
    return {
        "body": response.body,
        "httpHeaders": response.headers,
        "httpStatusCode": response.status,
        "referenceId": reference_id,
    }


def _value(results: dict, name: str, path: str):
    if name not in results:
        raise MissingReference(f"No value for {name}{path} found in {name}.")
    value = results[name]
    for key, index in STEP.findall(path):
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            raise MissingReference(f"No value for {name}{path} found in {name}.") from None
    return value


def _substitute_text(text: str, results: dict) -> str:
    return REFERENCE.sub(lambda m: str(_value(results, m.group(1), m.group(2))), text)


def _substitute(body, results: dict):
    if isinstance(body, str):
        whole = REFERENCE.fullmatch(body)
        return (
            _value(results, whole.group(1), whole.group(2))
            if whole
            else _substitute_text(body, results)
        )
    if isinstance(body, dict):
        return {key: _substitute(value, results) for key, value in body.items()}
    if isinstance(body, list):
        return [_substitute(item, results) for item in body]
    return body


def dispatch(ctx, method: str, url: str, body, headers: dict) -> ApiResponse:
    """Run a subrequest through the same handler its URL has over HTTP."""
    parts = urlsplit(url)
    version = URL_PREFIX.match(parts.path)
    if version is None:
        raise not_found()
    try:
        match = resolve(parts.path, urlconf="sandbox.salesforce.urls")
    except Resolver404:
        raise not_found() from None
    handlers = getattr(match.func, "handlers", None)
    if not handlers or not getattr(match.func, "in_composite", False):
        raise not_found()
    handler = handlers.get(method)
    if handler is None:
        raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed.")
    request = ApiRequest(
        method=method,
        ctx=replace(ctx, version=version.group(1), headers={**ctx.headers, **_lower(headers)}),
        kwargs={k: v for k, v in match.kwargs.items() if k != "version"},
        query=dict(parse_qsl(parts.query)),
        body=b"" if body is None else json.dumps(body).encode(),
    )
    return handler(request)


def _lower(headers: dict) -> dict:
    return {str(name).lower(): str(value) for name, value in headers.items()}
