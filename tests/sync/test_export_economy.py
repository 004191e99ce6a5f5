"""What an export costs the database: the identity map is written per batch, not per record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sandbox.salesforce.services import update_records
from sync.models import IdentityLink
from tests.sync.conftest import import_now, sandbox_org
from tests.sync.test_export_e2e import a_moment_ago, export_now, exporting

pytestmark = pytest.mark.django_db(transaction=True)


def link_writes(queries) -> list[str]:
    statements = [query["sql"] for query in queries.captured_queries]
    return [
        sql
        for sql in statements
        if "sync_identitylink" in sql and sql.lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


def test_an_export_keeps_its_links_in_one_statement_per_sobject(demo):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer")
    contacts = IdentityLink.objects.filter(
        store=demo.store, source_type="customer", target_object="Contact"
    ).order_by("pk")
    since = a_moment_ago()
    changes = [{"Id": link.target_id, "Phone": f"555-01{n:02d}"} for n, link in enumerate(contacts)]
    update_records(sandbox_org(), "Contact", changes)

    with CaptureQueriesContext(connection) as queries:
        run = export_now(demo.store, "customer", watermark_from=since)

    assert (run.status, run.updated) == ("succeeded", len(changes)), run.error
    assert len(changes) == 25
    assert len(link_writes(queries)) == 2  # the Contacts' links, then the Accounts'
    for n, link in enumerate(contacts):
        link.refresh_from_db()
        assert link.synced_values["phone"] == f"555-01{n:02d}"
        assert link.export_hash and link.exported_at is not None
