"""The BigCommerce REST client: one per store, built from that store's credentials.

It waits for the store's shared rate-limit window instead of collecting 429s, retries what can
succeed later under the shared policy of integrations.retry, pages at the maximum size, and
records every call.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass

import requests

from integrations import errors, hosts
from integrations.bigcommerce import ratelimit
from integrations.bigcommerce.errors import (
    SYSTEM,
    error_for,
    merged_batch_errors,
    retry_after_seconds,
)
from integrations.http import Session
from integrations.retry import RetryPolicy

MAX_PAGE_SIZE = 250
# Documented batch limits of write endpoints (FACTS.md §7), by method and path: these take a
# list of items. Other writes send one object per call (POST /v3/catalog/products creates one).
BATCH_LIMITS = {
    ("POST", "v3/customers"): 10,
    ("PUT", "v3/customers"): 10,
    # Address batches have no documented size ("multiple"); a customer batch's is used.
    ("POST", "v3/customers/addresses"): 10,
    ("PUT", "v3/customers/addresses"): 10,
    ("PUT", "v3/catalog/products"): 10,
    ("PUT", "v3/catalog/variants"): 50,
}
# Answers that refuse the data of a chunk, so that writing its items apart can succeed.
REFUSED_ITEMS = {400, 404, 409, 413, 422}


@dataclass
class BatchResult:
    item: dict
    data: dict | None = None
    error: errors.APIError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class BigCommerceClient:
    def __init__(
        self,
        api_root: str,
        access_token: str,
        *,
        limiter=None,
        session=None,
        retry: RetryPolicy | None = None,
        sleep=time.sleep,
    ):
        self.api_root = api_root.rstrip("/")
        self.session = session or Session(SYSTEM)
        self.session.headers.update({"X-Auth-Token": access_token, "Accept": "application/json"})
        self.limiter = limiter or ratelimit.LocalRateLimiter(self.api_root)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep

    @classmethod
    def for_store(cls, store, **kwargs) -> "BigCommerceClient":
        limiter = ratelimit.limiter_for(_limiter_key(store))
        return cls(store.api_root, store.access_token, limiter=limiter, **kwargs)

    # --- single calls -------------------------------------------------------------------------
    def get(self, path: str, **params):
        return self.call("GET", path, params=params)

    def call(self, method: str, path: str, *, params=None, json=None):
        """The decoded body of a successful answer (None for 204), or a typed error.

        Failures that may pass are tried again under the retry policy (see `_may_repeat`).
        429s are waited out within an attempt and do not count as attempts; past the policy's
        `max_rate_limit_wait` for the whole call, RateLimited is raised for the caller to try
        again later.
        """
        limited = _RateLimitWaits()
        retrying = self.retry.retrying(
            retry_on=lambda error: self._may_repeat(method, error),
            what=f"BigCommerce {method} {path}",
            sleep=self.sleep,
        )
        return retrying(self._once, method, path, params, json, limited)

    def _once(self, method, path, params, json, limited: "_RateLimitWaits"):
        """One attempt: a successful answer's body, or its typed error."""
        while True:
            self._wait_for_quota()
            response = self._send(method, path, params, json)
            if response.status_code != 429:
                break
            self._wait_after_429(response, limited)
        if not response.ok:
            raise error_for(response)
        return response.json() if response.content else None

    @staticmethod
    def _may_repeat(method: str, error: BaseException) -> bool:
        # A POST that timed out or met a 5xx may have created its record: retrying could make a
        # twin, so the caller decides (match first, then write). 429s are waited out within an
        # attempt, for every method; RateLimited means the call's wait for them is used up.
        return (
            isinstance(error, errors.APIError)
            and error.retryable
            and not isinstance(error, errors.RateLimited)
            and method != "POST"
        )

    def _wait_for_quota(self) -> None:
        # One wait is enough: the window has reset by then, and the next answer's headers
        # tell the limiter how much of the new window is left.
        wait_ms = self.limiter.wait_ms()
        if wait_ms > 0:
            self.sleep(wait_ms / 1000)

    def _wait_after_429(self, response: requests.Response, limited: "_RateLimitWaits") -> None:
        # Without headers the platform is under load: back off further on each 429.
        limited.times += 1
        wait = retry_after_seconds(response, default=min(60.0, 5.0 * 2 ** (limited.times - 1)))
        if limited.seconds + wait > self.retry.max_rate_limit_wait:
            raise error_for(response)
        limited.seconds += wait
        # Every worker of this store now waits for the window; _wait_for_quota sleeps for us.
        self.limiter.update(0, int(wait * 1000))

    def _send(self, method, path, params, json) -> requests.Response:
        url = f"{self.api_root}/{path.lstrip('/')}"
        hosts.check_destination(url, SYSTEM)  # the session carries the store's access token
        try:
            response = self.session.request(method, url, params=params, json=json)
        except requests.RequestException as exc:
            raise errors.TransientError(f"{type(exc).__name__}: {exc}", system=SYSTEM) from exc
        self._observe_quota(response)
        return response

    def _observe_quota(self, response: requests.Response) -> None:
        headers = response.headers
        left = headers.get("X-Rate-Limit-Requests-Left")
        reset = headers.get("X-Rate-Limit-Time-Reset-Ms")
        quota = headers.get("X-Rate-Limit-Requests-Quota")
        if left is not None and reset is not None:
            self.limiter.update(int(left), int(reset), int(quota) if quota else None)

    # --- paging -------------------------------------------------------------------------------
    def iter_v3_pages(
        self, path: str, params=None, page_size=MAX_PAGE_SIZE, on_total=None
    ) -> Iterator[list[dict]]:
        """Pages of a v3 collection: by cursor where the endpoint offers one, else by page.

        `on_total(count)` is called once with the first answer's `meta.pagination.total`, so a
        caller learns how many records there are without a call of its own."""
        params = {**(params or {}), "limit": page_size, "page": 1}
        while True:
            body = self.get(path, **params) or {}
            data = body.get("data") or []
            meta = body.get("meta") or {}
            if on_total is not None:
                total = (meta.get("pagination") or {}).get("total")
                if total is not None:
                    on_total(total)
                on_total = None
            if data:
                yield data
            cursor = meta.get("cursor_pagination") or {}
            if cursor.get("end_cursor") and (cursor.get("links") or {}).get("next"):
                params = {**params, "after": cursor["end_cursor"]}
                params.pop("page", None)
                continue
            pagination = meta.get("pagination") or {}
            if not data or pagination.get("current_page", 1) >= pagination.get("total_pages", 1):
                return
            params["page"] = pagination.get("current_page", params.get("page", 1)) + 1

    def iter_v2_pages(
        self, path: str, params=None, page_size=MAX_PAGE_SIZE
    ) -> Iterator[list[dict]]:
        """Pages of a v2 collection, until an empty page (answered 204) or a short one.

        v2 answers carry no total: a collection whose size is a multiple of the page size ends
        with one empty page."""
        params = {**(params or {}), "limit": page_size}
        page = 1
        while True:
            data = self.get(path, **params, page=page) or []
            if data:
                yield data
            if len(data) < page_size:
                return
            page += 1

    def iter_v3(self, path: str, params=None) -> Iterator[dict]:
        for page in self.iter_v3_pages(path, params):
            yield from page

    def iter_v2(self, path: str, params=None) -> Iterator[dict]:
        for page in self.iter_v2_pages(path, params):
            yield from page

    # --- batch writes -------------------------------------------------------------------------
    def write_batch(self, method: str, path: str, items: list[dict]) -> list[BatchResult]:
        """Write items in chunks of the endpoint's batch limit; one result per item, in order.

        A chunk the API refused (a 4xx about its data) wrote nothing. If the answer's errors
        name the failing items by index ("0.email"), those fail with their own errors and the
        rest is sent again in one call; if they do not (BigCommerce's batch errors do not always
        say which item failed), the chunk is written again item by item.

        A 207 (Multi-Status) wrote the chunk but failed some part of it: the items it names by
        index fail, with the record as written in `data`. When it names none, a PUT chunk is
        written again item by item to find them; a POST chunk is not sent again and all its
        items fail.

        A failure that may pass fails its chunk whole, so a POST that may have created records
        is never sent twice. After RateLimited the chunks left are not sent: they fail with it,
        for the caller to try again later.
        """
        key = (method.upper(), path.strip("/"))
        size = BATCH_LIMITS.get(key, 1)
        batch = key in BATCH_LIMITS
        results: list[BatchResult] = []
        limited = None
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            if limited is not None:
                results += [BatchResult(item, error=limited) for item in chunk]
                continue
            written = self._write_chunk(method, path, chunk, batch)
            limited = next(
                (r.error for r in written if isinstance(r.error, errors.RateLimited)), None
            )
            results += written
        return results

    def _write_chunk(self, method, path, chunk, batch) -> list[BatchResult]:
        try:
            body = self.call(method, path, json=chunk if batch else chunk[0])
        except errors.APIError as exc:
            return self._after_refusal(method, path, chunk, batch, exc)
        results = _paired(chunk, _records(body))
        failure = _partial_failure(body)
        if failure is None:
            return results
        named = _by_index(failure.field_errors, len(chunk))
        if named:
            return [
                BatchResult(r.item, r.data, _item_error(failure, named[n])) if n in named else r
                for n, r in enumerate(results)
            ]
        if method.upper() != "POST" and len(chunk) > 1:
            return self._one_by_one(method, path, chunk, batch)
        return [BatchResult(r.item, r.data, failure) for r in results]

    def _after_refusal(self, method, path, chunk, batch, exc) -> list[BatchResult]:
        if exc.retryable or len(chunk) == 1 or exc.status not in REFUSED_ITEMS:
            return [BatchResult(item, error=exc) for item in chunk]
        named = _by_index(_field_errors(exc), len(chunk))
        if not named:
            return self._one_by_one(method, path, chunk, batch)
        results = {n: BatchResult(chunk[n], error=_item_error(exc, named[n])) for n in named}
        rest = [n for n in range(len(chunk)) if n not in named]
        if rest:
            again = self._write_chunk(method, path, [chunk[n] for n in rest], batch)
            results.update(zip(rest, again, strict=True))
        return [results[n] for n in range(len(chunk))]

    def _one_by_one(self, method, path, chunk, batch) -> list[BatchResult]:
        return [
            result for item in chunk for result in self._write_chunk(method, path, [item], batch)
        ]


@dataclass
class _RateLimitWaits:
    """The 429s one call met, over all its attempts, and the seconds it gave them."""

    times: int = 0
    seconds: float = 0.0


def _records(body) -> list:
    data = body.get("data") if isinstance(body, dict) else body
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


def _paired(chunk: list[dict], records: list) -> list[BatchResult]:
    """Each item with the record the answer gives for it: by id where items carry one (the
    answer's order is not documented), else by position."""
    by_id = {r.get("id"): r for r in records if isinstance(r, dict)}
    if all("id" in item for item in chunk) and all(item["id"] in by_id for item in chunk):
        return [BatchResult(item, data=by_id[item["id"]]) for item in chunk]
    found = records + [None] * (len(chunk) - len(records))
    return [BatchResult(item, data=record) for item, record in zip(chunk, found, strict=False)]


def _partial_failure(body) -> errors.ValidationFailed | None:
    """The failed part of a 207 answer: `errors` beside `data` (the spec's errorMultiStatus)."""
    failure = body.get("errors") if isinstance(body, dict) else None
    if not failure:
        return None
    detail = failure.get("errors") if isinstance(failure, dict) else None
    field_errors = detail if isinstance(detail, dict) else {}
    title = (failure.get("title") if isinstance(failure, dict) else None) or "Partly written"
    return errors.ValidationFailed(
        _with_fields(title, field_errors),
        field_errors=field_errors,
        status=(failure.get("status") if isinstance(failure, dict) else None) or 207,
        details=body,
        system=SYSTEM,
    )


def _field_errors(exc: errors.APIError) -> dict:
    if getattr(exc, "field_errors", None):
        return exc.field_errors
    details = exc.details if isinstance(exc.details, dict) else {}
    found = details.get("errors")
    return found if isinstance(found, dict) else {}


def _by_index(field_errors: dict, size: int) -> dict[int, dict] | None:
    """{item index: {field: message}} when every error names an item of the chunk ("0.email",
    or "0" alone); None when any does not."""
    named: dict[int, dict] = {}
    for key, message in field_errors.items():
        index, _, field = str(key).partition(".")
        if not index.isdigit() or int(index) >= size:
            return None
        named.setdefault(int(index), {})[field] = message
    return named or None


def _item_error(exc: errors.APIError, fields: dict) -> errors.APIError:
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("batch_errors"), list):
        details = merged_batch_errors(details["batch_errors"])
    message = _with_fields(details.get("title") or exc.message, fields)
    kwargs = {"status": exc.status, "details": exc.details, "system": exc.system}
    if isinstance(exc, errors.ValidationFailed):
        return errors.ValidationFailed(message, field_errors=fields, **kwargs)
    return type(exc)(message, **kwargs)


def _with_fields(title: str, fields: dict) -> str:
    details = "; ".join(f"{k}: {v}" if k else str(v) for k, v in fields.items())
    return f"{title} ({details})" if details else title


def rate_limit_window(store) -> ratelimit.Window | None:
    """The store's rate-limit window as its last answer told it, or None if not known."""
    return ratelimit.current_window(_limiter_key(store))


def _limiter_key(store) -> str:
    return f"{store.api_base_url}|{store.store_hash}"
