from django.core.management.base import BaseCommand
from django.db import connection, transaction

from connector import crypto
from connector.fields import EncryptedTextField
from stores.models import SalesforceOrg, Store


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored credential with the first key in FIELD_ENCRYPTION_KEYS, "
        "so that older keys can then be removed."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        rows = sum(_rotate_table(model) for model in (Store, SalesforceOrg))
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted the secrets of {rows} stores and orgs.")
        )


def _rotate_table(model) -> int:
    """Rotate the raw column values: the ORM would hand us plaintext, not tokens."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [f.column for f in model._meta.fields if isinstance(f, EncryptedTextField)]
    select_list = ", ".join(quote(c) for c in columns)
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {select_list} FROM {table}")  # noqa: S608 - names from the model
        rows = cursor.fetchall()
        for pk, *tokens in rows:
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [crypto.rotate(token or "") for token in tokens] + [pk],
            )
    return len(rows)
