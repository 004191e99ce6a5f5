"""The "Not yet imported" list, read live from the BigCommerce emulator over real HTTP."""

from unittest.mock import patch

import pytest
from django.urls import reverse

from sync.models import SyncRun
from sync.tasks import run_import
from tests.sync.conftest import bigcommerce, import_now

pytestmark = pytest.mark.django_db(transaction=True)


def shown(response) -> list[str]:
    return [row.source_id for row in response.context["page"].rows]


def test_not_yet_imported_lists_the_records_without_links_and_imports_them(demo, client, owner):
    imported = ["1", "2", "3"]
    import_now(demo.store, "customer", kind=SyncRun.Kind.RECORDS, source_ids=imported)
    everyone = {
        str(c["id"]) for c in bigcommerce(demo.store).get("v3/customers", limit=250)["data"]
    }
    client.force_login(owner)
    url = reverse("records_not_imported", args=[demo.store.pk, "customers"])

    response = client.get(url)

    assert response.status_code == 200
    assert set(shown(response)) == everyone - set(imported)
    first = response.context["page"].rows[0]
    assert first.label and first.label in response.content.decode()
    with patch.object(run_import, "delay") as queued:
        row_import = client.post(
            reverse("record_import", args=[demo.store.pk]),
            {"source": "customer", "source_id": first.source_id},
        )
        everything = client.post(
            reverse("records_import_not_imported", args=[demo.store.pk, "customers"]),
            {"action": "everything"},
        )
    one, rest = SyncRun.objects.filter(requested_by=owner).order_by("pk")
    assert one.source_ids == [first.source_id]
    assert row_import.url == reverse("run_detail", args=[demo.store.pk, one.pk])
    assert set(rest.source_ids) == everyone - set(imported)
    assert everything.url == reverse("run_detail", args=[demo.store.pk, rest.pk])
    assert [call.args[0] for call in queued.call_args_list] == [one.pk, rest.pk]


def test_pages_follow_bigcommerce_pages(demo, client, owner):
    client.force_login(owner)
    url = reverse("records_not_imported", args=[demo.store.pk, "orders"])
    first, second = client.get(url), client.get(url + "?page=2")
    assert len(shown(first)) == 50 and first.context["page"].has_next
    assert len(shown(second)) == 10 and not second.context["page"].has_next
    assert not set(shown(first)) & set(shown(second))
