"""A viewer changes nothing: every URL of the console and the API that changes state refuses a
viewer (403, or 404 where the object is hidden; 405 where the API has no such method), and no
row changes and no task is queued.

Every URL the resolver knows is listed below as changing state, as read-only or as outside the
console, so a new URL fails `test_every_url_is_classified` until someone decides which it is.
"""

import json

import pytest
from celery.app.task import Task
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mappings.defaults import apply_default_template
from mappings.models import CouponCampaign, FieldMapping, ObjectSetting
from stores.models import Membership
from sync.models import (
    IdentityLink,
    ImportSchedule,
    ListPreference,
    Outcome,
    PlanRecord,
    SavedListView,
    SyncLogEntry,
    SyncPlan,
    SyncRun,
)
from sync.schedules import save_schedule
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

POST = ("POST",)
API_WRITES = ("POST", "PUT", "PATCH", "DELETE")

# URL name -> the methods that would change state.
STATE_CHANGING = {
    # connector
    "check_workers": POST,
    # stores and orgs
    "store_create": POST,
    "store_edit": POST,
    "store_check": POST,
    "store_members": POST,
    "member_change_role": POST,
    "member_remove": POST,
    "org_create": POST,
    "org_edit": POST,
    "org_connect": POST,
    "org_check": POST,
    "org_refresh_fields": POST,
    # mappings
    "store_mappings_validate": POST,
    "store_mappings_reset": POST,
    "store_mappings_object": POST,
    "store_mappings_rule_new": POST,
    "store_mappings_rule_edit": POST,
    "store_mappings_rule_delete": POST,
    "store_mappings_refresh_fields": POST,
    "store_mappings_suggestion_accept": POST,
    "store_mappings_suggestion_reject": POST,
    "coupon_list": POST,  # saves coupon revenue's settings
    "coupon_create": POST,
    "coupon_edit": POST,
    "coupon_delete": POST,
    # runs, records, schedules, logs
    "run_start": POST,
    "run_start_everything": POST,
    "run_cancel": POST,
    "run_resync_failed": POST,
    "plan_create": POST,
    "plan_apply": POST,
    "record_import": POST,
    "record_export": POST,
    "record_link_delete": POST,
    "records_action": POST,
    "records_import_not_imported": POST,
    "record_list_view_save": POST,
    "record_list_view_delete": POST,
    "schedule_create": POST,
    "schedule_edit": POST,
    "schedule_delete": POST,
    "log_resync": POST,
    "log_resync_record": POST,
    "log_resync_many": POST,
    # webhooks
    "webhook_register": POST,
    "webhook_unregister": POST,
    "webhook_replay_failed": POST,
    "webhook_event_replay": POST,
    "salesforce_trigger_token": POST,
    # sandbox console (staff only)
    "sandbox_save_faults": POST,
    "sandbox_start_activity": POST,
    "sandbox_expire_sessions": POST,
    "sandbox_define_field": POST,
    "sandbox_api_faults": API_WRITES,
    "sandbox_api_activity": API_WRITES,
    # REST API
    "store-list": API_WRITES,
    "store-detail": API_WRITES,
    "org-list": API_WRITES,
    "org-detail": API_WRITES,
    "store-run-list": API_WRITES,
    "store-run-detail": API_WRITES,
    "store-run-cancel": API_WRITES,
    "store-run-resync-failed": API_WRITES,
    "store-run-import-record": API_WRITES,
    "store-run-export-record": API_WRITES,
    "store-run-import-everything": API_WRITES,
    "store-schedule-list": API_WRITES,
    "store-schedule-detail": API_WRITES,
    "log-entry-list": API_WRITES,
    "log-entry-detail": API_WRITES,
    "log-entry-resync": API_WRITES,
}
# Pages that only read; a POST to them must change nothing either.
READ_ONLY = {
    "dashboard",
    "settings",
    "record_list",
    "object_records",
    "records_not_imported",
    "run_list",
    "run_detail",
    "run_progress",
    "plan_detail",
    "plan_progress",
    "schedule_list",
    "log_list",
    "log_detail",
    "record_detail",
    "record_live",
    "store_list",
    "store_detail",
    "org_list",
    "org_detail",
    "store_mappings",
    "store_mappings_preview",  # a POST previews a record: it writes nothing, so viewers may
    "store_mappings_preview_records",  # reads the store's records and the org, writes nothing
    "store_mappings_suggestions",  # admins only; reads the store's records and the org
    "webhook_status",
    "webhook_event",
    "sandbox_console",
    "api-root",
}
# A user's own choices of how a page shows (a list's columns): any member makes them, and they
# change no row but that user's own.
OWN_CHOICES = {"record_list_choices": ListPreference}
# Not the console: their own authentication decides.
OUTSIDE = {
    "login",
    "logout",
    "webhook_receiver",  # BigCommerce's callbacks, authenticated by the store's secret header
    "salesforce_trigger",  # Salesforce's export requests, authenticated by the trigger token
    "salesforce_oauth_callback",  # a GET that only finishes a flow its user started
}
# The emulated BigCommerce and Salesforce APIs, which check their own tokens.
OUTSIDE_MODULES = ("sandbox.bigcommerce.", "sandbox.salesforce.")

ANY_INPUT = {
    "name": "Changed by a viewer",
    "source": "order",
    "kind": "full",
    "source_id": "101",
    "every_minutes": "60",
    "enabled": "on",
    "role": "admin",
    "user": "victor",
    "store": "",
    "events_per_minute": "10",
    "duration_seconds": "60",
    "code": "VIEWER1",
    "campaign_id": "701000000000002AAA",
    "campaign_field": "ExpectedRevenue",
}
# What would start an export for an operator: the world's orders export both ways.
EXPORT_INPUT = {
    **ANY_INPUT,
    "direction": "export",
    "source_id": "801000000000101AAA",
    "salesforce_id": "801000000000101AAA",
}
INPUT_FOR = {
    "run_start": EXPORT_INPUT,
    "record_export": EXPORT_INPUT,
    "store-run-list": EXPORT_INPUT,
    "store-run-export-record": EXPORT_INPUT,
}
# Tables written by every request or login, not by the view.
IGNORED_TABLES = {"sessions.session", "axes.accessattempt", "axes.accesslog", "admin.logentry"}


def console_urls():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":  # Django's admin: staff only, its own checks
                    yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern

    for pattern in walk(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "")
        if not module.startswith(OUTSIDE_MODULES):
            yield pattern.name, pattern


def test_every_url_is_classified():
    names = {name for name, _ in console_urls()}
    unclassified = names - set(STATE_CHANGING) - READ_ONLY - OUTSIDE - set(OWN_CHOICES)
    assert not unclassified, f"classify these URLs in {__name__}: {sorted(unclassified)}"
    listed = set(STATE_CHANGING) | READ_ONLY | OUTSIDE | set(OWN_CHOICES)
    assert not listed - names, "stale names in the lists"


@pytest.fixture
def world(store_a, alice, org_a):
    apply_default_template(store_a)
    ObjectSetting.objects.filter(store=store_a, source="order").update(direction="both")
    run = SyncRun.objects.create(
        store=store_a, source="order", kind=SyncRun.Kind.FULL, status=SyncRun.Status.RUNNING
    )
    entry = SyncLogEntry.objects.create(
        store=store_a, source="order", source_id="101", outcome=Outcome.FAILED, run=run
    )
    event = WebhookEvent.objects.create(
        store=store_a,
        scope="store/order/updated",
        source="order",
        source_id="101",
        received_at=run.created_at,
        status=WebhookEvent.Status.FAILED,
    )
    link = IdentityLink.objects.create(
        store=store_a,
        org=org_a,
        source_type="order",
        source_id="101",
        target_object="Order",
        target_id="801000000000101AAA",
    )
    view = SavedListView.objects.create(store=store_a, object="orders", name="Failing")
    schedule = save_schedule(ImportSchedule(store=store_a, source="order", every_minutes=60))
    rule = FieldMapping.objects.filter(setting__store=store_a, setting__source="order").first()
    coupon = CouponCampaign.objects.create(
        setting=ObjectSetting.objects.get(store=store_a, source="coupon_revenue"),
        code="SUMMER10",
        campaign_id="701000000000001AAA",
    )
    plan = SyncPlan.objects.create(
        store=store_a, kind=SyncRun.Kind.FULL, sources=["order"], status=SyncPlan.Status.READY
    )
    PlanRecord.objects.create(plan=plan, source="order", source_id="101", decision="created")
    return {
        "plan_id": plan.pk,
        "store_id": store_a.pk,
        "org_id": org_a.pk,
        "membership_id": Membership.objects.get(store=store_a, user=alice).pk,
        "run_id": run.pk,
        "schedule_id": schedule.pk,
        "entry_id": entry.pk,
        "event_id": event.pk,
        "rule_id": rule.pk,
        "coupon_id": coupon.pk,
        "link_id": link.pk,
        "view_id": view.pk,
        "source": "order",
        "source_id": "101",
        "object": "orders",
        "kind": "fields",
        "emulator": "bigcommerce",
    }


def url_for(name, pattern, world):
    """The URL of `name`, its arguments taken from the world (`pk` by what the route names)."""
    route = str(pattern.pattern)
    kwargs = {key: world[key] for key in pattern.pattern.regex.groupindex if key in world}
    if "pk" in pattern.pattern.regex.groupindex:
        owner = name.removesuffix("-detail").rsplit("-", 1)[0]
        kwargs["pk"] = {
            "store": world["store_id"],
            "org": world["org_id"],
            "store-run": world["run_id"],
            "store-schedule": world["schedule_id"],
            "log-entry": world["entry_id"],
        }.get(owner, world["run_id"] if "run" in route else world["entry_id"])
    return reverse(name, kwargs=kwargs)


def snapshot():
    rows = {}
    for model in apps.get_models():
        if model._meta.label_lower in IGNORED_TABLES:
            continue
        rows[model._meta.label_lower] = list(model.objects.order_by("pk").values())
    return rows


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **kw: sent.append(self.name))
    return sent


WRITES = [
    (name, method)
    for name, methods in STATE_CHANGING.items()
    for method in methods
    if name in dict(console_urls())
]


# API endpoints that take a POST: it must be refused for lack of a role, not for its method.
API_POSTS = {
    "store-run-list",
    "store-run-cancel",
    "store-run-resync-failed",
    "store-run-import-record",
    "store-run-export-record",
    "store-run-import-everything",
    "log-entry-resync",
    "sandbox_api_faults",
    "sandbox_api_activity",
}


def send(client, method, url, data=ANY_INPUT):
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(("name", "method"), WRITES)
def test_a_viewer_changes_nothing(
    client_for, victor, world, queued, django_capture_on_commit_callbacks, name, method
):
    client = client_for(victor)
    url = url_for(name, dict(console_urls())[name], world)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, method, url, INPUT_FOR.get(name, ANY_INPUT))
    is_api = url.startswith(("/api/", "/sandbox/api/"))
    refused = {403, 404}
    if is_api and not (method == "POST" and name in API_POSTS):
        refused.add(405)  # the API has no such method here
    assert response.status_code in refused, f"{method} {url} answered {response.status_code}"
    assert queued == [], f"{method} {url} queued {queued}"
    assert snapshot() == before, f"{method} {url} changed rows"


def test_the_checks_see_an_operators_changes(
    client_for, oscar, world, queued, django_capture_on_commit_callbacks
):
    """The same request from an operator queues a run: the checks above would see a leak."""
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(oscar).post(
            reverse("run_start", args=[world["store_id"]]), {"source": "customer", "kind": "full"}
        )
    assert response.status_code == 302
    assert queued
    assert snapshot() != before


@pytest.mark.parametrize("name", ["run_start", "record_export"])
def test_the_checks_see_an_operators_export(
    client_for, oscar, world, queued, django_capture_on_commit_callbacks, name
):
    """An operator's export with the input a viewer sends starts a run: the viewer's refusal
    above is for the role, not the input."""
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(oscar).post(reverse(name, args=[world["store_id"]]), EXPORT_INPUT)
    assert response.status_code == 302
    assert SyncRun.objects.filter(direction="export", source="order").exists()
    assert queued
    assert snapshot() != before


@pytest.mark.parametrize("name", sorted(READ_ONLY - {"api-root"}))
def test_a_post_to_a_read_only_page_changes_nothing(
    client_for, victor, world, queued, django_capture_on_commit_callbacks, name
):
    client = client_for(victor)
    url = url_for(name, dict(console_urls())[name], world)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, ANY_INPUT)
    assert queued == []
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(OWN_CHOICES))
def test_a_viewers_own_choices_change_only_their_own_rows(
    client_for, victor, world, queued, django_capture_on_commit_callbacks, name
):
    model = OWN_CHOICES[name]
    client = client_for(victor)
    url = url_for(name, dict(console_urls())[name], world)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"columns": ["label"], "search_fields": ["label"]})
    after = snapshot()
    label = model._meta.label_lower
    assert queued == []
    assert {k: v for k, v in after.items() if k != label} == {
        k: v for k, v in before.items() if k != label
    }
    assert [row["user_id"] for row in after[label]] == [victor.pk]


def test_staff_and_operators_may_check_the_workers_and_see_the_button(
    client_for, store_a, victor, oscar, bob, queued, django_capture_on_commit_callbacks
):
    assert "Check workers now" not in client_for(victor).get(reverse("settings")).content.decode()
    bob.is_staff = True
    bob.save()
    for user in (oscar, bob):
        client = client_for(user)
        assert "Check workers now" in client.get(reverse("settings")).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("check_workers")).status_code == 302
    assert len(queued) == 2 * len(settings.CELERY_QUEUE_NAMES)
