"""Writing and deleting many rows at once, below the ORM.

The demo generator makes up to 100,000 orders: their rows are written with `executemany` on
prepared tuples rather than through model instances (a quarter of the time), and a store's
records are deleted with one statement per table. Values are adapted by the database backend's
own functions, so the rows are those the ORM would write.
"""

from datetime import datetime

from django.db import connection

from sandbox.bigcommerce.models import CompactJSONEncoder, SandboxStore


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT many rows of already adapted values into the model's table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    # Table and column names come from the models, quoted; the values are parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def as_json(value):
    return connection.ops.adapt_json_value(value, CompactJSONEncoder)


def as_time(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def delete_store_rows(model, store: SandboxStore) -> None:
    """Delete the store's rows of one table; tables that point at it must be emptied first."""
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field("store").column)
    sql = f"DELETE FROM {quote(model._meta.db_table)} WHERE {column} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [store.pk])
