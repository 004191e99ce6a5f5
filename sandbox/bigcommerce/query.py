"""Query parameters and paging, in the API's two dialects.

v3 collections answer `{"data": [...], "meta": {"pagination": {...}}}`, and some add cursor
pagination. v2 collections answer a bare list, 204 with no body past the last page, and 413
above 250 per page.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import V2, ApiError, Call, json_response, no_content, text_response

MAX_PAGE_SIZE = 250
DEFAULT_PAGE_SIZE = 50
# Observed answer to a v2 limit above 250 (FACTS.md §2): an object, not the usual v2 list.
V2_LIMIT_TOO_LARGE = {
    "status": 413,
    "message": "The specified limit exceeds the maximum allowed.",
    "details": {"max_limit": MAX_PAGE_SIZE},
}


def bad_parameter(call: Call, name: str) -> ApiError:
    # v3 documents 422 for an invalid filter; v2 answers 400.
    status = 400 if call.version == V2 else 422
    message = f"The filter parameter '{name}' is invalid."
    return ApiError(status, message, {name: "error.path.invalid"})


def int_param(call: Call, name: str, default: int | None = None) -> int | None:
    raw = call.query.get(name, "")
    if raw == "":
        return default
    try:
        return int(float(raw)) if "." in raw else int(raw)
    except ValueError:
        raise bad_parameter(call, name) from None


def int_list(call: Call, name: str) -> list[int] | None:
    raw = call.query.get(name)
    if raw is None:
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise bad_parameter(call, name) from None


def str_list(call: Call, name: str) -> list[str] | None:
    raw = call.query.get(name)
    return None if raw is None else [part.strip() for part in raw.split(",") if part.strip()]


def bool_param(call: Call, name: str) -> bool | None:
    raw = call.query.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("1", "true"):
        return True
    if raw.lower() in ("0", "false"):
        return False
    raise bad_parameter(call, name)


def date_param(call: Call, name: str) -> datetime | None:
    raw = call.query.get(name)
    if not raw:
        return None
    try:
        return dates.parse_filter(raw)
    except (ValueError, TypeError, OverflowError):
        raise bad_parameter(call, name) from None


def includes(call: Call) -> set[str]:
    return set(str_list(call, "include") or ())


def filter_dates(call: Call, queryset: QuerySet, field: str, **names: str) -> QuerySet:
    """Apply date bounds: names maps a lookup ("gte", "lte") to the query parameter's name."""
    for lookup, name in names.items():
        moment = date_param(call, name)
        if moment is not None:
            queryset = queryset.filter(**{f"{field}__{lookup}": moment})
    return queryset


def sort_order(call: Call, allowed: dict[str, str], default: str = "id") -> list[str]:
    """`sort=field` or `sort=field:asc|desc` (and `direction=`) as an order_by list."""
    raw = call.query.get("sort") or default
    name, _, direction = raw.partition(":")
    direction = (direction or call.query.get("direction") or "asc").lower()
    if name not in allowed or direction not in ("asc", "desc"):
        raise bad_parameter(call, "sort")
    sign = "-" if direction == "desc" else ""
    column = allowed[name]
    return [f"{sign}{column}"] + ([f"{sign}bc_id"] if column != "bc_id" else [])


def page_and_limit(call: Call, maximum: int = MAX_PAGE_SIZE) -> tuple[int, int]:
    page = int_param(call, "page", 1)
    limit = int_param(call, "limit", DEFAULT_PAGE_SIZE)
    if page < 1 or limit < 1:
        raise bad_parameter(call, "page" if page < 1 else "limit")
    if call.version == V2 and limit > MAX_PAGE_SIZE:
        raise ApiError(413, body=V2_LIMIT_TOO_LARGE)
    # v3 documents only the maximum, not an error for asking more: the emulator caps.
    return page, min(limit, maximum)


Render = Callable[[list], list[dict]]


SUB_RESOURCE_KEYS = {
    "variants", "custom_fields", "options", "images", "videos", "bulk_pricing_rules", "modifiers",
    "addresses", "attributes", "form_fields", "store_credit_amounts",
}  # fmt: skip


def select_fields(call: Call, items: list[dict]) -> list[dict]:
    """Apply `include_fields` / `exclude_fields`; `id` and included sub-resources stay."""
    wanted, unwanted = str_list(call, "include_fields"), str_list(call, "exclude_fields")
    if wanted is None and not unwanted:
        return items
    keep = None if wanted is None else {"id", *wanted, *SUB_RESOURCE_KEYS}
    drop = set(unwanted or ()) - {"id"}
    return [
        {k: v for k, v in item.items() if (keep is None or k in keep) and k not in drop}
        for item in items
    ]


def v2_collection(call: Call, items: QuerySet | Sequence, render: Render, *, as_text=False):
    """A v2 page; with `as_text`, `render` gives each record as JSON text already."""
    page, limit = page_and_limit(call)
    rows = list(items[(page - 1) * limit : page * limit])
    if not rows:
        return no_content()
    if as_text:
        return text_response("[" + ",".join(render(rows)) + "]")
    return json_response(render(rows))


def v3_collection(call: Call, items: QuerySet | Sequence, render: Render, *, cursor=False):
    """A v3 page; with `cursor`, `after`/`before` are honoured as the customers API does."""
    if cursor and ("after" in call.query or "before" in call.query):
        return _cursor_page(call, items, render)
    page, limit = page_and_limit(call)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    rows = list(items[(page - 1) * limit : page * limit])
    meta = {"pagination": pagination(call, total, len(rows), page, limit)}
    if cursor and page == 1:
        more = total > len(rows)
        meta["cursor_pagination"] = cursor_pagination(call, rows, limit, more, False)
    return json_response({"data": select_fields(call, render(rows)), "meta": meta})


def pagination(call: Call, total: int, count: int, page: int, limit: int) -> dict:
    total_pages = max(1, -(-total // limit))
    links = {"current": _link(call, page=page, limit=limit)}
    if page > 1:
        links["previous"] = _link(call, page=page - 1, limit=limit)
    if page < total_pages:
        links["next"] = _link(call, page=page + 1, limit=limit)
    return {
        "total": total,
        "count": count,
        "per_page": limit,
        "current_page": page,
        "total_pages": total_pages,
        "links": links,
    }


def _link(call: Call, **changes) -> str:
    dropped = {"page", "limit", "after", "before", *changes}
    params = [(k, v) for k, v in call.query.items() if k not in dropped]
    params += [(k, v) for k, v in changes.items()]
    return "?" + urlencode(params, safe=":,")


def cursor_pagination(call: Call, rows: list, limit: int, more_after: bool, more_before: bool):
    meta = {"count": len(rows), "per_page": limit, "links": {}}
    if rows:
        meta["start_cursor"] = encode_cursor(rows[0].bc_id)
        meta["end_cursor"] = encode_cursor(rows[-1].bc_id)
        if more_after:
            meta["links"]["next"] = _link(call, after=meta["end_cursor"], limit=limit)
        if more_before:
            meta["links"]["previous"] = _link(call, before=meta["start_cursor"], limit=limit)
    return meta


def encode_cursor(bc_id: int) -> str:
    raw = json.dumps({"id": bc_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(call: Call, name: str) -> int:
    raw = call.query[name]
    try:
        return int(json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))["id"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_parameter(call, name) from None


def _cursor_page(call: Call, items: QuerySet, render: Render):
    """Keyset paging after or before the cursor's record, in the collection's own order.

    The cursor names a record ({"id": N}, as the platform's do); how the platform combines
    cursors with `sort` is not documented, so the page continues the requested order.
    """
    _, limit = page_and_limit(call)
    forward = "after" in call.query
    anchor_id = decode_cursor(call, "after" if forward else "before")
    order = list(items.query.order_by) or ["bc_id"]
    anchor = items.filter(bc_id=anchor_id).values(*[o.lstrip("-") for o in order]).first()
    anchor = anchor or {"bc_id": anchor_id}
    beyond = _beyond(order, anchor, forward)
    if forward:
        rows = list(items.filter(beyond)[: limit + 1])
    else:
        reversed_order = [o[1:] if o.startswith("-") else f"-{o}" for o in order]
        rows = list(items.filter(beyond).order_by(*reversed_order)[: limit + 1])[::-1]
    more = len(rows) > limit
    rows = rows[:limit] if forward else rows[-limit:]
    meta = {
        "cursor_pagination": cursor_pagination(
            call, rows, limit, more and forward, more and not forward
        )
    }
    if rows:
        links = meta["cursor_pagination"]["links"]
        other = "previous" if forward else "next"
        key = "before" if forward else "after"
        cursor = meta["cursor_pagination"]["start_cursor" if forward else "end_cursor"]
        links[other] = _link(call, **{key: cursor, "limit": limit})
    return json_response({"data": select_fields(call, render(rows)), "meta": meta})


def _beyond(order: list[str], anchor: dict, forward: bool) -> Q:
    """Rows strictly after (or before) the anchor in the given ordering."""
    condition, equal = Q(), Q()
    for term in order:
        column = term.lstrip("-")
        if column not in anchor:
            continue
        ascending = not term.startswith("-")
        lookup = "gt" if ascending == forward else "lt"
        condition |= equal & Q(**{f"{column}__{lookup}": anchor[column]})
        equal &= Q(**{column: anchor[column]})
    return condition
