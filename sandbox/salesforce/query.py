"""The query and queryAll resources: run SOQL, page the answer, keep cursors for later pages.

A query is evaluated once: the Ids of every matching record, in order, are kept in a
QueryCursor, and `nextRecordsUrl` pages read the next slice of Ids and project current data.
"""

import secrets
from datetime import timedelta

from django.utils import timezone

from sandbox.salesforce import store
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.models import QueryCursor, Record
from sandbox.salesforce.soql.evaluate import CompiledQuery, compile_query, projector, sort_rows

DEFAULT_BATCH_SIZE = 2000
MIN_BATCH_SIZE = 200
CURSOR_LIFETIME = timedelta(days=2)
LOCATOR_PREFIX = "01g"


def batch_size_from(header: str | None) -> int:
    """The batch size asked by a `Sforce-Query-Options: batchSize=n` header (200 to 2,000)."""
    for part in (header or "").split(","):
        name, _, value = part.partition("=")
        if name.strip() == "batchSize" and value.strip().isdigit():
            return max(MIN_BATCH_SIZE, min(DEFAULT_BATCH_SIZE, int(value)))
    return DEFAULT_BATCH_SIZE


def run_query(ctx, soql: str, *, include_deleted: bool, batch_size: int) -> dict:
    compiled = compile_query(soql, ctx.schema)
    if compiled.count_only:
        return {
            "totalSize": _count(ctx.org, compiled, include_deleted),
            "done": True,
            "records": [],
        }
    ordered_ids, documents = _matching(ctx.org, compiled, include_deleted, batch_size)
    page_ids = ordered_ids[:batch_size]
    answer = {"totalSize": len(ordered_ids), "done": len(ordered_ids) <= batch_size}
    if not answer["done"]:
        contiguous = not compiled.needs_documents_to_order
        cursor = _save_cursor(ctx.org, soql, include_deleted, ordered_ids, batch_size, contiguous)
        resource = "queryAll" if include_deleted else "query"
        answer["nextRecordsUrl"] = (
            f"/services/data/v{ctx.version}/{resource}/{cursor.locator}-{batch_size}"
        )
    answer["records"] = _page(ctx, compiled, page_ids, documents, include_deleted)
    return answer


def next_page(ctx, locator: str) -> dict:
    cursor_id, _, position_text = locator.partition("-")
    cursor = QueryCursor.objects.filter(org=ctx.org, locator=cursor_id).first()
    if cursor is None or not position_text.isdigit():
        raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    position = int(position_text)
    compiled = compile_query(cursor.soql, ctx.schema)
    page_ids = cursor.record_ids[position : position + cursor.batch_size]
    following = position + cursor.batch_size
    answer = {"totalSize": len(cursor.record_ids), "done": following >= len(cursor.record_ids)}
    if not answer["done"]:
        resource = "queryAll" if cursor.include_deleted else "query"
        answer["nextRecordsUrl"] = (
            f"/services/data/v{ctx.version}/{resource}/{cursor.locator}-{following}"
        )
    documents = _contiguous_page(ctx.org, compiled, cursor, page_ids) if cursor.contiguous else {}
    answer["records"] = _page(ctx, compiled, page_ids, documents, cursor.include_deleted)
    return answer


def _contiguous_page(org, compiled, cursor, page_ids) -> dict[str, dict]:
    """The documents of a page of Id-ordered Ids, read as the range between its first and last.

    Every record created after the query has a greater Id, so the range holds no other record.
    """
    if not page_ids:
        return {}
    low, high = min(page_ids[0], page_ids[-1]), max(page_ids[0], page_ids[-1])
    rows = _base_rows(org, compiled, cursor.include_deleted)
    return dict(store.read(rows.filter(record_id__gte=low, record_id__lte=high)))


def _base_rows(org, compiled: CompiledQuery, include_deleted: bool):
    rows = Record.objects.filter(org=org, object_name=compiled.object.name)
    return rows if include_deleted else rows.filter(is_deleted=False)


def _count(org, compiled: CompiledQuery, include_deleted: bool) -> int:
    if compiled.predicate is None:
        total = _base_rows(org, compiled, include_deleted).count()
        return _sliced_count(total, compiled)
    return len(_matching(org, compiled, include_deleted, 0)[0])


def _sliced_count(total: int, compiled: CompiledQuery) -> int:
    total = max(0, total - (compiled.offset or 0))
    return total if compiled.limit is None else min(total, compiled.limit)


def _matching(org, compiled: CompiledQuery, include_deleted: bool, batch_size: int):
    """The Ids of the matching records in answer order, and the documents already read."""
    rows = _base_rows(org, compiled, include_deleted).order_by("record_id")
    if not compiled.needs_documents_to_order:
        return _ordered_by_id(rows, compiled, batch_size)
    pairs = store.read(rows)
    related = store.parents(org, [data for _, data in pairs], compiled.filter_paths)
    if compiled.predicate is not None:
        predicate = compiled.predicate
        pairs = [pair for pair in pairs if predicate(pair[1], related)]
    sort_rows(pairs, compiled.sort_keys, related)
    pairs = _slice(pairs, compiled)
    return [record_id for record_id, _ in pairs], dict(pairs)


def _ordered_by_id(rows, compiled: CompiledQuery, batch_size: int):
    """No filter and no order but by Id: Ids from the index, documents of the first page only."""
    descending = bool(compiled.sort_keys) and compiled.sort_keys[0].descending
    if descending:
        rows = rows.reverse()
    ordered_ids = _slice(list(rows.values_list("record_id", flat=True)), compiled)
    start = compiled.offset or 0
    first_page = rows[start : start + min(len(ordered_ids), batch_size)]
    return ordered_ids, dict(store.read(first_page)) if ordered_ids and batch_size else {}


def _slice(items: list, compiled: CompiledQuery) -> list:
    start = compiled.offset or 0
    end = None if compiled.limit is None else start + compiled.limit
    return items[start:end]


def _page(ctx, compiled: CompiledQuery, page_ids, documents, include_deleted) -> list[dict]:
    missing = [record_id for record_id in page_ids if record_id not in documents]
    if missing:
        documents = {
            **documents,
            **store.documents(ctx.org, missing, include_deleted=include_deleted),
        }
    datas = [documents[record_id] for record_id in page_ids if record_id in documents]
    related = store.parents(ctx.org, datas, [path for path in compiled.select if path.steps])
    project = projector(compiled.select, compiled.object, ctx.version)
    return [project(data, related) for data in datas]


def _save_cursor(org, soql, include_deleted, ordered_ids, batch_size, contiguous) -> QueryCursor:
    QueryCursor.objects.filter(created_at__lt=timezone.now() - CURSOR_LIFETIME).delete()
    locator = LOCATOR_PREFIX + secrets.token_hex(8)[:12].upper()
    return QueryCursor.objects.create(
        locator=locator,
        org=org,
        soql=soql,
        include_deleted=include_deleted,
        record_ids=ordered_ids,
        contiguous=contiguous,
        batch_size=batch_size,
    )
