"""Turning a checked query into Python functions: the filter, the sort and the projection.

SOQL semantics kept here: text comparisons ignore case; `!=` and NOT IN also match records
whose field is null; ORDER BY puts nulls first when ascending and last when descending unless
NULLS FIRST / LAST says otherwise.
"""

import operator
from dataclasses import dataclass, field

from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.schema import ObjectSchema
from sandbox.salesforce.soql.ast import BoolOp, Comparison, InList, Not, Query
from sandbox.salesforce.soql.binding import Binder, BoundPath, Range, like_pattern
from sandbox.salesforce.soql.parser import parse
from sandbox.salesforce.values import TEXT_TYPES

OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
RANGE_TESTS = {
    "=": lambda v, r: r.start <= v < r.end,
    "!=": lambda v, r: not r.start <= v < r.end,
    "<": lambda v, r: v < r.start,
    "<=": lambda v, r: v < r.end,
    ">": lambda v, r: v >= r.end,
    ">=": lambda v, r: v >= r.start,
}


@dataclass(frozen=True)
class SortKey:
    path: BoundPath
    descending: bool
    nulls_last: bool


@dataclass
class CompiledQuery:
    object: ObjectSchema
    select: list[BoundPath]
    count_only: bool
    predicate: object = None  # (data, related) -> bool
    sort_keys: list[SortKey] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None
    filter_paths: list[BoundPath] = field(default_factory=list)

    @property
    def needs_documents_to_order(self) -> bool:
        """False when the order and selection can come from Ids alone (no filter or sort)."""
        return self.predicate is not None or any(
            key.path.field.name != "Id" or key.path.steps for key in self.sort_keys
        )


def _comparable(path: BoundPath):
    return str.casefold if path.field.type in TEXT_TYPES else None


class Compiler:
    def __init__(self, soql: str, schema):
        self.soql = soql
        self.query: Query = parse(soql)
        self.binder = Binder(soql, schema, self.query)
        self.filter_paths: list[BoundPath] = []

    def compile(self) -> CompiledQuery:
        query = self.query
        compiled = CompiledQuery(
            object=self.binder.object,
            select=[self.binder.path(path) for path in query.fields],
            count_only=query.count_only,
            limit=query.limit,
            offset=query.offset,
        )
        if query.offset is not None and query.offset > 2000:
            raise ApiError(
                400,
                "NUMBER_OUTSIDE_VALID_RANGE",
                f"Maximum SOQL offset allowed is 2000, but {query.offset} was requested",
            )
        if query.where is not None:
            compiled.predicate = self.condition(query.where)
        for ordering in query.order_by:
            path = self.used_path(ordering.field)
            compiled.sort_keys.append(SortKey(path, ordering.descending, ordering.nulls_come_last))
        compiled.filter_paths = self.filter_paths
        return compiled

    def used_path(self, field_path) -> BoundPath:
        path = self.binder.path(field_path)
        if path.steps:
            self.filter_paths.append(path)
        return path

    def condition(self, node):
        if isinstance(node, BoolOp):
            parts = [self.condition(operand) for operand in node.operands]
            if node.operator == "AND":
                return lambda d, r: all(part(d, r) for part in parts)
            return lambda d, r: any(part(d, r) for part in parts)
        if isinstance(node, Not):
            inner = self.condition(node.operand)
            return lambda d, r: not inner(d, r)
        if isinstance(node, InList):
            return self.in_list(node)
        return self.comparison(node)

    def comparison(self, node: Comparison):
        path = self.used_path(node.field)
        if node.operator == "LIKE":
            return self.like(path, node)
        target = self.binder.operand(path, node.field, node.value)
        if target is None:
            return self.null_test(path, node)
        normal = _comparable(path)
        if isinstance(target, Range):
            test = RANGE_TESTS[node.operator]
        else:
            compare, wanted = OPERATORS[node.operator], normal(target) if normal else target
            test = lambda v, _t: compare(v, wanted)  # noqa: E731
        include_null = node.operator == "!="

        def predicate(data, related):
            value = path.value(data, related)
            if value is None:
                return include_null
            return test(normal(value) if normal else value, target)

        return predicate

    def null_test(self, path: BoundPath, node: Comparison):
        if node.operator == "=":
            return lambda d, r: path.value(d, r) is None
        if node.operator == "!=":
            return lambda d, r: path.value(d, r) is not None
        raise self.binder.invalid_field(
            node.field, f"invalid operator on null value for field '{path.field.name}'"
        )

    def like(self, path: BoundPath, node: Comparison):
        if path.field.type not in TEXT_TYPES:
            raise self.binder.invalid_field(
                node.field, f"invalid operator on field '{path.field.name}': LIKE"
            )
        pattern = like_pattern(node.value.value)

        def predicate(data, related):
            value = path.value(data, related)
            return value is not None and pattern.match(value) is not None

        return predicate

    def in_list(self, node: InList):
        path = self.used_path(node.field)
        normal = _comparable(path) or (lambda v: v)
        targets = [self.binder.operand(path, node.field, literal) for literal in node.values]
        ranges = [target for target in targets if isinstance(target, Range)]
        plain = {normal(t) for t in targets if t is not None and not isinstance(t, Range)}
        with_null = any(target is None for target in targets)

        def contains(data, related):
            value = path.value(data, related)
            if value is None:
                return with_null
            value = normal(value)
            return value in plain or any(r.start <= value < r.end for r in ranges)

        if node.negated:
            return lambda d, r: not contains(d, r)
        return contains


def compile_query(soql: str, schema) -> CompiledQuery:
    return Compiler(soql, schema).compile()


def sort_rows(rows: list[tuple[str, dict]], keys: list[SortKey], related: dict) -> None:
    """Sort (id, data) rows in place by the ORDER BY keys (stable, one pass per key)."""
    for key in reversed(keys):
        normal = _comparable(key.path)
        null_key = (2,) if key.nulls_last != key.descending else (0,)

        def sort_value(row, path=key.path, normal=normal, null_key=null_key):
            value = path.value(row[1], related)
            if value is None:
                return null_key
            return (1, normal(value) if normal else value)

        rows.sort(key=sort_value, reverse=key.descending)


def projector(paths: list[BoundPath], schema: ObjectSchema, version: str):
    """A function giving one record as the query answer shows it, parents as nested records."""
    url = f"/services/data/v{version}/sobjects/{schema.name}/"
    plain = [(path, path.field.name) for path in paths]

    def project(data: dict, related: dict) -> dict:
        record = {"attributes": {"type": schema.name, "url": url + data["Id"]}}
        for path, name in plain:
            if path.steps:
                _put_through_parents(record, data, path, related, version)
            else:
                record[name] = data.get(name)
        return record

    return project


def _put_through_parents(record: dict, data: dict, path: BoundPath, related, version) -> None:
    container, current = record, data
    for step, target, name in zip(path.steps, path.targets, path.names, strict=False):
        parent = related.get(current.get(step.name))
        if name not in container:
            container[name] = (
                {"attributes": attributes(target.name, parent["Id"], version)} if parent else None
            )
        container, current = container[name], parent
        if container is None:
            return
    container[path.field.name] = current.get(path.field.name)


def attributes(object_name: str, record_id: str, version: str) -> dict:
    return {
        "type": object_name,
        "url": f"/services/data/v{version}/sobjects/{object_name}/{record_id}",
    }
