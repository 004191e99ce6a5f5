from datetime import date

import pytest

from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.soql.ast import BoolOp, Comparison, InList, Not
from sandbox.salesforce.soql.dates import date_range
from sandbox.salesforce.soql.parser import parse


def test_it_reads_fields_with_parent_relationships_and_the_object():
    query = parse("SELECT Id, Name, Account.Owner.Name FROM Contact")
    assert [field.parts for field in query.fields] == [
        ("Id",),
        ("Name",),
        ("Account", "Owner", "Name"),
    ]
    assert query.object_name == "Contact"


def test_keywords_are_case_insensitive():
    query = parse("select id from account where name = 'x' order by name desc limit 5 offset 2")
    assert query.limit == 5 and query.offset == 2
    assert query.order_by[0].descending


def test_count_is_a_query_of_its_own():
    assert parse("SELECT COUNT() FROM Lead").count_only


def test_conditions_nest_with_parentheses_and_not():
    query = parse("SELECT Id FROM Account WHERE (Name = 'a' OR Name = 'b') AND NOT Industry = null")
    assert isinstance(query.where, BoolOp) and query.where.operator == "AND"
    inner, negated = query.where.operands
    assert isinstance(inner, BoolOp) and inner.operator == "OR"
    assert isinstance(negated, Not)


def test_mixing_and_with_or_needs_parentheses():
    with pytest.raises(ApiError) as raised:
        parse("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'")
    assert raised.value.code == "MALFORMED_QUERY"
    assert "unexpected token: 'OR'" in raised.value.message


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("'O\\'Brien'", "string", "O'Brien"),
        ("'line\\nbreak'", "string", "line\nbreak"),
        ("'back\\\\slash'", "string", "back\\slash"),
        ("42", "number", 42),
        ("-3.5", "number", -3.5),
        ("true", "boolean", True),
        ("FALSE", "boolean", False),
        ("null", "null", None),
        ("2024-01-15", "date", "2024-01-15"),
        ("2024-01-15T10:30:00Z", "datetime", "2024-01-15T10:30:00Z"),
        ("2024-01-15T10:30:00.000+02:00", "datetime", "2024-01-15T10:30:00.000+02:00"),
        ("TODAY", "date_literal", "TODAY"),
    ],
)
def test_it_reads_each_kind_of_value(text, kind, value):
    comparison = parse(f"SELECT Id FROM Account WHERE Name = {text}").where  # noqa: S608 - SOQL for the emulator
    assert isinstance(comparison, Comparison)
    assert (comparison.value.kind, comparison.value.value) == (kind, value)


def test_numbered_date_literals_take_their_number():
    value = parse("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:30").where.value
    assert (value.value, value.n) == ("LAST_N_DAYS", 30)


def test_in_and_not_in_take_lists():
    where = parse("SELECT Id FROM Account WHERE Type NOT IN ('a', 'b')").where
    assert isinstance(where, InList) and where.negated and len(where.values) == 2


def test_order_by_takes_several_fields_and_null_placement():
    query = parse("SELECT Id FROM Account ORDER BY Name ASC NULLS LAST, CreatedDate DESC")
    first, second = query.order_by
    assert not first.descending and first.nulls_come_last
    assert second.descending and second.nulls_come_last


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT FROM Account",
        "SELECT Id Account",
        "SELECT Id FROM Account WHERE",
        "SELECT Id FROM Account WHERE Name = 'unterminated",
        "SELECT Id FROM Account LIMIT ten",
        "SELECT Id, Id FROM Account",
        "SELECT Id FROM Account WHERE Name = 'bad \\q escape'",
        "",
    ],
)
def test_malformed_queries_are_refused(soql):
    with pytest.raises(ApiError) as raised:
        parse(soql)
    assert raised.value.code == "MALFORMED_QUERY"
    assert raised.value.status == 400


def test_an_error_points_at_its_position():
    with pytest.raises(ApiError) as raised:
        parse("SELECT Id FROM Account WHERE Name == 'x'")
    lines = raised.value.message.splitlines()
    assert lines[1].index("^") == len("SELECT Id FROM Account WHERE Name =")
    assert lines[2] == "ERROR at Row:1:Column:36"


@pytest.mark.parametrize(
    ("literal", "n", "start", "end"),
    [
        ("TODAY", None, date(2024, 3, 13), date(2024, 3, 14)),
        ("YESTERDAY", None, date(2024, 3, 12), date(2024, 3, 13)),
        ("LAST_N_DAYS", 7, date(2024, 3, 6), date(2024, 3, 14)),
        ("NEXT_N_DAYS", 2, date(2024, 3, 14), date(2024, 3, 16)),
        ("THIS_WEEK", None, date(2024, 3, 10), date(2024, 3, 17)),
        ("LAST_MONTH", None, date(2024, 2, 1), date(2024, 3, 1)),
        ("THIS_YEAR", None, date(2024, 1, 1), date(2025, 1, 1)),
    ],
)
def test_date_literals_are_ranges_of_days(literal, n, start, end):
    # 13 March 2024 is a Wednesday; weeks start on Sunday.
    assert date_range(literal, n, date(2024, 3, 13)) == (start, end)
