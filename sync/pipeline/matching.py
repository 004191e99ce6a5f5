"""Matching rules: find the Salesforce record a never-linked source record already has.

Each rule is a list of (source path, target field) pairs that must all be equal. Rules are tried
in order, each as batched SOQL (`WHERE Email IN (...)`), for the records still unmatched.
Records that already belong to another BigCommerce record (their external ID is set, or the
identity map links them elsewhere) are never matched: two stores stay two sets of records.
"""

from collections import defaultdict

from integrations import errors
from mappings.models import MultipleMatches
from mappings.paths import get_path
from sync import identity
from sync.models import MatchedBy

VALUES_PER_QUERY = 100


def find(ctx, setting, sobject: str, source_type: str, writes, rules, ext_field: str) -> None:
    pending = list(writes)
    for pairs in rules:
        if not pending:
            return
        keyed = _keys(pending, pairs)
        found = _query(ctx, sobject, [target for _, target in pairs], keyed, ext_field)
        if not ext_field:
            _drop_linked_elsewhere(ctx, sobject, source_type, keyed, found)
        for w, key, _ in keyed:
            _decide(setting, sobject, w, pairs, found.get(key, []))
        pending = [w for w in pending if w.target_id is None and w.ok]


def _keys(writes, pairs) -> list[tuple]:
    """(write, normalised key, the values as they are) for writes with every value present."""
    keyed = []
    for w in writes:
        raw = tuple(get_path(w.match_record, source) for source, _ in pairs)
        key = tuple(_normal(value) for value in raw)
        if all(key):
            keyed.append((w, key, raw))
    return keyed


def _normal(value) -> str:
    return "" if value is None else str(value).strip().lower()


def _query(ctx, sobject, fields, keyed, ext_field) -> dict[tuple, list[dict]]:
    found = defaultdict(list)
    raws = sorted({raw for _, _, raw in keyed}, key=str)
    for start in range(0, len(raws), VALUES_PER_QUERY):
        chunk = raws[start : start + VALUES_PER_QUERY]
        where = " AND ".join(
            f"{name} IN ({', '.join(sorted({quote(str(raw[i])) for raw in chunk}))})"
            for i, name in enumerate(fields)
        )
        if ext_field:
            where += f" AND {ext_field} = null"
        # SOQL, not SQL: field names come from the mappings, values are quoted literals.
        columns = ", ".join(["Id", "CreatedDate", *fields])
        soql = f"SELECT {columns} FROM {sobject} WHERE {where} ORDER BY CreatedDate, Id"  # noqa: S608
        wanted = {tuple(_normal(value) for value in raw) for raw in chunk}
        for row in ctx.sf.query(soql):
            key = tuple(_normal(row.get(name)) for name in fields)
            if key in wanted:
                found[key].append(row)
    return found


def _drop_linked_elsewhere(ctx, sobject, source_type, keyed, found) -> None:
    for w, key, _ in keyed:
        rows = found.get(key, [])
        if not rows:
            continue
        taken = identity.linked_elsewhere(
            ctx.store.salesforce_org_id,
            sobject,
            [row["Id"] for row in rows],
            except_source=(ctx.store.pk, source_type, w.source_id),
        )
        found[key] = [row for row in rows if row["Id"] not in taken]


def _decide(setting, sobject, w, pairs, rows) -> None:
    if not rows:
        return
    described = " and ".join(
        f"{target} = {get_path(w.match_record, source)!r}" for source, target in pairs
    )
    w.matched_by = MatchedBy.RULE
    if len(rows) > 1 and setting.multiple_matches == MultipleMatches.SKIP:
        w.error = errors.Conflict(
            f"{len(rows)} {sobject} records match {described}; the record was skipped. Merge "
            "the duplicates in Salesforce, or let the object's setting update the oldest match, "
            "then re-sync.",
            code="MULTIPLE_MATCHES",
            system="salesforce",
        )
        return
    w.target_id, w.matched = rows[0]["Id"], True
    several = f" (the oldest of {len(rows)})" if len(rows) > 1 else ""
    w.match_reason = f"{described}{several}."


def quote(value: str) -> str:
    """A SOQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
