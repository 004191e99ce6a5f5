import base64
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection

from connector import crypto
from stores.models import SalesforceOrg, Store
from tests.conftest import make_org, make_store
from tests.settings import TEST_ENCRYPTION_KEY

pytestmark = pytest.mark.django_db

STORE_TOKEN = "bc-token-plaintext-must-not-leak-1234"
ORG_SECRET = "org-secret-plaintext-must-not-leak-9876"


def raw_row(model, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return [str(value) for value in cursor.fetchone()]


def new_key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_stored_rows_hold_no_plaintext_secret():
    store = make_store("Raw", access_token=STORE_TOKEN, client_secret="client-secret-xyz-0001")
    org = make_org("Raw org", client_secret=ORG_SECRET, password="hunter2-password-raw")

    store_row = " ".join(raw_row(Store, store.pk))
    org_row = " ".join(raw_row(SalesforceOrg, org.pk))

    assert STORE_TOKEN not in store_row
    assert "client-secret-xyz-0001" not in store_row
    assert ORG_SECRET not in org_row
    assert "hunter2-password-raw" not in org_row
    assert Store.objects.get(pk=store.pk).access_token == STORE_TOKEN
    assert SalesforceOrg.objects.get(pk=org.pk).client_secret == ORG_SECRET


def test_an_unset_secret_stays_visibly_empty():
    org = make_org("Empty", password="")
    assert org.password == ""
    assert SalesforceOrg.objects.get(pk=org.pk).password == ""


def test_secrets_survive_adding_a_new_key_and_rotating_then_dropping_the_old(settings):
    store = make_store("Rotate", access_token=STORE_TOKEN)
    before = raw_row(Store, store.pk)

    settings.FIELD_ENCRYPTION_KEYS = [new_key(), TEST_ENCRYPTION_KEY]
    assert Store.objects.get(pk=store.pk).access_token == STORE_TOKEN  # old key still decrypts
    call_command("rotate_secrets", stdout=io.StringIO())
    assert raw_row(Store, store.pk) != before

    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert Store.objects.get(pk=store.pk).access_token == STORE_TOKEN


def test_a_secret_encrypted_with_a_removed_key_fails_loudly(settings):
    store = make_store("Lost", access_token=STORE_TOKEN)
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    with pytest.raises(crypto.SecretDecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        Store.objects.get(pk=store.pk)


def test_dumpdata_carries_masks_not_secrets(capsys):
    make_store("Dump", access_token=STORE_TOKEN)
    call_command("dumpdata", "stores.store")
    out = capsys.readouterr().out
    assert STORE_TOKEN not in out
    assert crypto.MASK + STORE_TOKEN[-4:] in out


@pytest.mark.parametrize(
    ("secret", "shown"),
    [("", ""), ("short", crypto.MASK), ("a-long-enough-secret-WXYZ", crypto.MASK + "WXYZ")],
)
def test_masks_show_at_most_the_last_four_characters_of_long_secrets(secret, shown):
    assert crypto.mask(secret) == shown
