"""Plans: a dry run of an import or export says what it would do and writes nothing; Apply
runs exactly what was planned. The demo store and org over real HTTP."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.recording import recording
from integrations.salesforce.client import SalesforceClient
from mappings.models import ObjectSetting, SyncCondition
from mappings.services import forget_validation, mappings_version
from sandbox.salesforce.models import Record
from sandbox.salesforce.services import update_records
from sync import plans
from sync.models import IdentityLink, PlanRecord, SyncLogEntry, SyncPlan, SyncRun
from sync.pipeline import runner
from sync.runs import execute_run
from tests.sync.conftest import bigcommerce, import_now, salesforce, sandbox_org

pytestmark = pytest.mark.django_db(transaction=True)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def plan_now(store, source="customer", kind="full", direction="import", user=None) -> SyncPlan:
    """A plan made as the worker makes it, in this process."""
    plan = plans.start_plan(store, kind, direction=direction, source=source, user=user)
    plans.build(plan.pk)
    plan.refresh_from_db()
    assert plan.status == SyncPlan.Status.READY, plan.error
    return plan


def decided(plan, decision) -> set[str]:
    return set(plan.records.filter(decision=decision).values_list("source_id", flat=True))


def salesforce_state() -> str:
    rows = Record.objects.order_by("pk").values_list("pk", "data")
    return hashlib.sha256(json.dumps(list(rows), default=str).encode()).hexdigest()


def test_a_plan_of_customers_on_a_fresh_org_says_all_would_be_created_and_writes_nothing(demo):
    before = (salesforce_state(), IdentityLink.objects.count(), SyncLogEntry.objects.count())
    with recording() as calls:
        plan = plan_now(demo.store)
    writes = [c for c in calls if c.method in WRITE_METHODS and "oauth2" not in c.path]
    assert writes == []
    assert {c.system for c in calls} == {"BigCommerce", "Salesforce"}  # both sides were read
    assert (
        salesforce_state(),
        IdentityLink.objects.count(),
        SyncLogEntry.objects.count(),
    ) == before
    assert plans.counts(plan)[""]["created"] == 25
    assert len(decided(plan, "created")) == 25


def test_after_an_import_the_plan_says_unchanged_and_then_names_the_one_changed_record(demo):
    import_now(demo.store, "customer")
    plan = plan_now(demo.store)
    assert plans.counts(plan)[""] == {"unchanged": 25, "matched": 25, "matched:link": 25}

    bigcommerce(demo.store).call(
        "PUT", "v3/customers", json=[{"id": 3, "email": "moved@example.com"}]
    )
    again = plan_now(demo.store)
    assert decided(again, "updated") == {"3"}
    assert len(decided(again, "unchanged")) == 24
    row = again.records.get(source_id="3")
    link = IdentityLink.objects.get(
        store=demo.store, source_type="customer", source_id="3", target_object="Contact"
    )
    assert (row.target_object, row.target_id, row.matched_by) == ("Contact", link.target_id, "link")
    contact = next(c for c in salesforce("Contact") if c["Id"] == link.target_id)
    assert contact["Email"] != "moved@example.com"  # planned, not written


def test_a_record_a_sync_condition_stops_is_listed_as_skipped(demo):
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    setting.condition_action = "stop"
    setting.save()
    SyncCondition.objects.create(setting=setting, path="id", operator="eq", value="7")
    plan = plan_now(demo.store)
    assert decided(plan, "skipped") == {"7"}
    assert "conditions" in plan.records.get(source_id="7").message
    assert len(decided(plan, "created")) == 24


def test_a_record_found_by_a_matching_rule_is_listed_as_matched_with_the_rule(demo):
    customer = bigcommerce(demo.store).get("v3/customers", **{"id:in": "1"})["data"][0]
    client = SalesforceClient.for_org(demo.store.salesforce_org)
    [existing] = client.create_many("Contact", [{"LastName": "Before", "Email": customer["email"]}])
    plan = plan_now(demo.store)
    row = plan.records.get(source_id="1")
    assert (row.decision, row.matched_by, row.target_id) == ("updated", "rule", existing.id)
    assert customer["email"] in row.match_reason and "Email" in row.match_reason
    assert plans.counts(plan)[""]["matched:rule"] == 1
    # Only planned: the Contact was not claimed.
    assert not next(c for c in salesforce("Contact") if c["Id"] == existing.id).get(
        "BigCommerce_ID__c"
    )


def test_a_value_salesforce_would_refuse_is_listed_as_would_fail(demo):
    bigcommerce(demo.store).call("PUT", "v3/customers", json=[{"id": 5, "first_name": "x" * 60}])
    plan = plan_now(demo.store)
    assert decided(plan, "failed") == {"5"}
    message = plan.records.get(source_id="5").message
    assert "Contact.FirstName takes 40 characters; this value has 60" in message
    # A run writes what the plan said and is refused the same record.
    run = import_now(demo.store, "customer")
    assert (run.created, run.failed) == (24, 1)


def test_an_export_plan_shows_a_conflict_when_both_sides_changed(demo):
    import_now(demo.store, "customer")
    ObjectSetting.objects.filter(store=demo.store, source="customer").update(direction="both")
    link = IdentityLink.objects.filter(
        store=demo.store, source_type="customer", target_object="Contact"
    ).order_by("pk")[0]
    since = timezone.now() - timedelta(seconds=1)
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "Phone": "111"}])
    exported = SyncRun.objects.create(
        store=demo.store,
        source="customer",
        direction="export",
        kind="incremental",
        status="running",
        watermark_from=since,
    )
    assert runner.execute(exported, sleep=lambda s: None).updated == 1
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "Phone": "333"}])
    rows = [{"id": int(link.source_id), "phone": "222"}]
    bigcommerce(demo.store).call("PUT", "v3/customers", json=rows)
    phone_before = bigcommerce(demo.store).get("v3/customers", **{"id:in": link.source_id})

    plan = plan_now(demo.store, kind="incremental", direction="export")

    assert decided(plan, "conflict") == {link.target_id}
    row = plan.records.get(source_id=link.target_id)
    assert "changed on both sides" in row.message and "333" in row.message
    assert bigcommerce(demo.store).get("v3/customers", **{"id:in": link.source_id}) == (
        phone_before
    )


def test_apply_runs_exactly_the_planned_records_and_their_result_matches_the_plan(
    demo, owner, monkeypatch, django_capture_on_commit_callbacks
):
    import_now(demo.store, "customer", SyncRun.Kind.RECORDS, source_ids=["1", "2"])
    plan = plan_now(demo.store)
    created = decided(plan, "created")
    assert len(created) == 23
    queued = []
    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        [run] = plans.apply(plan, owner)
    assert (run.kind, run.source, set(run.source_ids)) == ("records", "customer", created)
    assert queued == [run.pk]
    run = execute_run(run.pk)
    assert (run.status, run.created, run.updated, run.failed) == ("succeeded", 23, 0, 0)
    plan.refresh_from_db()
    assert (plan.applied_run, plan.applied_by) == (run, owner)
    with pytest.raises(plans.PlanRefused, match="applied already"):
        plans.apply(plan, owner)


def test_a_stale_plan_is_not_applied(demo, owner, monkeypatch):
    plan = plan_now(demo.store)
    forget_validation(demo.store)  # what every change to the mappings calls
    with pytest.raises(plans.PlanRefused, match="stale: the store's mappings changed"):
        plans.apply(plan, owner)
    old = plan_now(demo.store)
    SyncPlan.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    old.refresh_from_db()
    with pytest.raises(plans.PlanRefused, match="stale: it was made more than 60 minutes ago"):
        plans.apply(old, owner)
    assert SyncRun.objects.count() == 0


def test_the_runs_page_plans_an_import_whose_page_shows_progress_then_counts_and_applies(
    demo, owner, client, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    runs_page = client.get(reverse("run_list", args=[demo.store.pk])).content.decode()
    assert f'formaction="{reverse("plan_create", args=[demo.store.pk])}"' in runs_page
    assert "Plan everything</button>" in runs_page
    queued = []
    monkeypatch.setattr("sync.tasks.run_plan.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("plan_create", args=[demo.store.pk]), {"source": "customer", "kind": "full"}
        )
    plan = SyncPlan.objects.get()
    assert queued == [plan.pk]
    page_url = reverse("plan_detail", args=[demo.store.pk, plan.pk])
    assert response.url == page_url
    waiting = client.get(page_url).content.decode()
    progress_url = reverse("plan_progress", args=[demo.store.pk, plan.pk])
    assert f'hx-get="{progress_url}?shown=queued"' in waiting and "Apply</button>" not in waiting

    plans.build(plan.pk)
    changed = client.get(f"{progress_url}?shown=queued", headers={"HX-Request": "true"})
    assert changed.headers["HX-Refresh"] == "true"
    ready = client.get(page_url).content.decode()
    assert "hx-get" not in ready and "Apply</button>" in ready
    assert 'href="?source=customer&amp;decision=created#plan-records">25</a>' in ready
    monkeypatch.setattr("sync.plan_views.RECORDS_PER_PAGE", 10)
    listed = client.get(page_url, {"decision": "created", "page": 3}).context["page"]
    assert (listed.paginator.count, len(listed.object_list)) == (25, 5)
    assert client.get(page_url, {"decision": "skipped"}).context["page"].paginator.count == 0

    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(reverse("plan_apply", args=[demo.store.pk, plan.pk]))
    run = SyncRun.objects.get()
    assert applied.url == reverse("run_detail", args=[demo.store.pk, run.pk])
    assert (run.kind, len(run.source_ids), queued[-1]) == ("records", 25, run.pk)


def a_ready_plan(store, records=10) -> SyncPlan:
    plan = SyncPlan.objects.create(
        store=store,
        kind=SyncRun.Kind.FULL,
        sources=["customer", "order"],
        status=SyncPlan.Status.READY,
        mappings_version=mappings_version(store),
    )
    decisions = ["created", "updated", "unchanged", "skipped", "conflict", "failed"]
    PlanRecord.objects.bulk_create(
        PlanRecord(
            plan=plan,
            source=["customer", "order"][n % 2],
            source_id=str(n),
            decision=decisions[n % len(decisions)],
            matched_by="link" if n % 3 else "rule",
            match_reason="Email = 'a@example.com'.",
            target_object="Contact",
            target_id=f"003{n:015d}",
        )
        for n in range(records)
    )
    return plan


def test_a_viewer_reads_a_plan_but_neither_plans_nor_applies(client_for, victor, store_a):
    plan = a_ready_plan(store_a)
    client = client_for(victor)
    page = client.get(reverse("plan_detail", args=[store_a.pk, plan.pk]))
    assert page.status_code == 200
    assert "Apply</button>" not in page.content.decode()
    assert "Plan again</button>" not in page.content.decode()
    planned = client.post(
        reverse("plan_create", args=[store_a.pk]), {"source": "customer", "kind": "full"}
    )
    applied = client.post(reverse("plan_apply", args=[store_a.pk, plan.pk]))
    assert (planned.status_code, applied.status_code) == (403, 403)
    assert SyncPlan.objects.count() == 1 and SyncRun.objects.count() == 0
    plan.refresh_from_db()
    assert plan.applied_at is None


def test_a_stale_plan_says_so_and_offers_to_plan_again_instead_of_apply(client_for, oscar, store_a):
    plan = a_ready_plan(store_a)
    forget_validation(store_a)
    client = client_for(oscar)
    url = reverse("plan_detail", args=[store_a.pk, plan.pk])
    page = client.get(url).content.decode()
    assert "This plan is stale: the store&#x27;s mappings changed since it was made" in page
    assert "Apply</button>" not in page and "Plan again</button>" in page
    refused = client.post(reverse("plan_apply", args=[store_a.pk, plan.pk]), follow=True)
    assert "Plan again, then apply the new plan." in refused.content.decode()
    assert SyncRun.objects.count() == 0


def test_the_plan_page_costs_the_same_queries_for_ten_records_or_three_hundred(
    client_for, oscar, store_a, django_assert_max_num_queries
):
    client = client_for(oscar)
    small, large = a_ready_plan(store_a, 10), a_ready_plan(store_a, 300)
    client.get(reverse("plan_detail", args=[store_a.pk, small.pk]))
    with django_assert_max_num_queries(12) as small_queries:
        client.get(reverse("plan_detail", args=[store_a.pk, small.pk]))
    with django_assert_max_num_queries(12) as large_queries:
        page = client.get(reverse("plan_detail", args=[store_a.pk, large.pk]))
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)
    assert len(page.context["page"].object_list) == 50
    totals = page.context["counts"][-1]
    assert totals["label"] == "All objects" and dict(totals["decisions"])["created"] == 50
    assert dict(totals["ways"])["rule"] == 100


def test_a_plan_of_everything_matches_what_import_everything_then_does(
    demo, owner, monkeypatch, django_capture_on_commit_callbacks
):
    before = (salesforce_state(), IdentityLink.objects.count())
    plan = plan_now(demo.store, source="")
    assert (salesforce_state(), IdentityLink.objects.count()) == before
    assert plan.sources == ["customer", "category", "product", "order", "refund"]
    counted = plans.counts(plan)
    assert counted[""]["failed"] == 0, list(plan.records.filter(decision="failed").values())
    assert (counted["customer"]["created"], counted["order"]["created"]) == (25, 60)
    assert counted["guest"]["created"] > 0  # the orders' guests, imported with them

    queued = []
    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        started = plans.apply(plan, owner)
    assert [run.source for run in started] == [
        "customer",
        "guest",
        "category",
        "product",
        "order",
        "refund",
    ]
    for run in started:
        run = execute_run(run.pk)
        assert run.status == "succeeded", (run.source, run.error)
        assert run.created == counted[run.source]["created"], run.source
        assert run.updated == counted[run.source].get("updated", 0), run.source
