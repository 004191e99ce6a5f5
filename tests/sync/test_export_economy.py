"""What an export costs besides its BigCommerce calls: the identity map is written per batch,
not per record, and a page of changed records is read from Salesforce in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.recording import recording
from sandbox.salesforce.services import update_records
from sync.models import IdentityLink
from sync.pipeline.context import Context
from sync.pipeline.exporters import exporter_for
from sync.pipeline.exporters.base import PAGE
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


@pytest.mark.parametrize(("source", "prefix"), [("customer", "003"), ("product", "01t")])
def test_a_page_of_records_is_read_by_id_in_one_query_per_sobject(demo, source, prefix):
    exporter = exporter_for(Context(demo.store), source)
    exporter.columns()  # the describes it needs, read before
    ids = [f"{prefix}{n:012d}" for n in range(PAGE)]

    with recording() as calls:
        exporter.fetch(ids)

    queries = [call for call in calls if "/query" in call.path]
    assert len(queries) == 1  # none of these ids exists: no price book entries are asked
