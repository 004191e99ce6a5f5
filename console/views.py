from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from console import charts
from console import dashboard as figures
from console.forms import DashboardForm
from mappings.models import SourceObject
from stores import access
from sync import heartbeats
from sync.models import Outcome


def dashboard(request):
    """Sync health of one store or of every store the user sees, each figure linking to the
    list behind it."""
    form = DashboardForm(request.GET, user=request.user)
    form.is_valid()
    if "store" in form.errors:
        raise Http404("No such store.")
    chosen = form.cleaned_data.get("store")
    source, direction = form.choice("source"), form.choice("direction")
    visible = list(access.visible_stores(request.user).select_related("salesforce_org"))
    stores = [store for store in visible if store == chosen] if chosen else visible
    ids = [store.pk for store in stores]
    links = _Links(chosen, source, direction)

    history = figures.sync_history(ids, direction)
    outcomes = history.by_outcome(source)
    failures = figures.failures_by_code(ids, direction, source)
    context = {
        "form": form,
        "store": chosen,
        "stores": visible,
        "orgs": access.visible_orgs(request.user),
        "links": links,
        "days": figures.WINDOW_DAYS,
        "totals": _totals(outcomes, failures, links),
        "objects": _object_tabs(history, form, source),
        "chart": _chart(history, source, links),
        "legend": _legend(outcomes, links),
        "failures": _failure_rows(failures, links),
        "runs": _run_rows(stores, figures.runs_by_status(ids, direction, source), links),
        "usage": figures.salesforce_usage(stores),
        "headroom": figures.bigcommerce_headroom(stores),
        "inboxes": figures.webhook_health(ids),
        "schedules": _schedule_rows(figures.schedules(ids)),
        "queues": heartbeats.queue_health(),
        "can_check_workers": access.can_check_workers(request.user),
        "can_add_stores": access.can_add_stores(request.user),
    }
    return render(request, "dashboard.html", context)


class _Links:
    """Addresses of the lists behind the figures, narrowed as the dashboard is."""

    def __init__(self, store, source: str, direction: str):
        self.store, self.source, self.direction = store, source, direction
        today = timezone.localdate()
        self.window_start = figures.window_days(today)[0].isoformat()
        self.day_start = timezone.localdate(timezone.now() - timedelta(hours=24)).isoformat()

    def logs(self, **params) -> str:
        narrowed = {
            "store": self.store.pk if self.store else "",
            "source": self.source,
            "direction": self.direction,
        }
        return _with_query(reverse("log_list"), {**narrowed, **params})

    def runs(self, store_id: int, **params) -> str:
        narrowed = {"source": self.source, "direction": self.direction}
        return _with_query(reverse("run_list", args=[store_id]), {**narrowed, **params})


def _with_query(path: str, params: dict) -> str:
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{path}?{query}" if query else path


def _totals(outcomes: dict[str, int], failures, links: _Links) -> list[dict]:
    return [
        {
            "label": f"records synced, {figures.WINDOW_DAYS} days",
            "value": sum(outcomes.values()),
            "href": links.logs(date_from=links.window_start),
        },
        {
            "label": f"failed, {figures.WINDOW_DAYS} days",
            "value": sum(row.in_window for row in failures),
            "href": links.logs(outcome=Outcome.FAILED, date_from=links.window_start),
            "bad": True,
        },
        {
            "label": "failed, last 24 h",
            "value": sum(row.last_day for row in failures),
            "href": links.logs(outcome=Outcome.FAILED, date_from=links.day_start),
            "bad": True,
        },
    ]


def _object_tabs(history, form: DashboardForm, source: str) -> list[dict]:
    """The chart's object selector: every object that has rows, and the one chosen."""
    by_source = history.by_source()
    params = {name: value for name, value in form.data.items() if name != "source"}
    tabs = [{"label": "All objects", "value": "", "count": sum(by_source.values())}]
    tabs += [
        {"label": label, "value": value, "count": by_source[value]}
        for value, label in SourceObject.choices
        if by_source.get(value) or value == source
    ]
    for tab in tabs:
        tab["href"] = _with_query(reverse("dashboard"), {**params, "source": tab["value"]})
        tab["current"] = tab["value"] == source
    return tabs


def _chart(history, source: str, links: _Links) -> charts.Chart:
    def href(day, outcome):
        return links.logs(outcome=outcome, date_from=day.isoformat(), date_to=day.isoformat())

    series = [(outcome, Outcome(outcome).label) for outcome in figures.OUTCOMES]
    return charts.stacked_bars(history.days, history.per_day(source), series, href)


def _legend(outcomes: dict[str, int], links: _Links) -> list[dict]:
    return [
        {
            "key": outcome,
            "label": Outcome(outcome).label,
            "count": count,
            "href": links.logs(outcome=outcome, date_from=links.window_start),
        }
        for outcome, count in outcomes.items()
    ]


def _failure_rows(failures, links: _Links) -> list[dict]:
    def href(code, since):
        return links.logs(outcome=Outcome.FAILED, error_code=code, date_from=since)

    return [
        {
            "code": row.code,
            "in_window": row.in_window,
            "last_day": row.last_day,
            "window_href": href(row.code, links.window_start),
            "day_href": href(row.code, links.day_start),
        }
        for row in failures
    ]


def _run_rows(stores, counts: dict[int, dict[str, int]], links: _Links) -> list[dict]:
    return [
        {
            "store": store,
            "cells": [
                {
                    "status": status,
                    "count": counts[store.pk][status],
                    "href": links.runs(store.pk, status=status),
                }
                for status in figures.RUN_STATUSES
            ],
        }
        for store in stores
    ]


def _schedule_rows(schedules) -> list[dict]:
    return [
        {
            "schedule": schedule,
            "runs_href": _with_query(
                reverse("run_list", args=[schedule.store_id]),
                {
                    "source": schedule.source,
                    "direction": schedule.direction,
                    "kind": schedule.kind,
                    "trigger": "schedule",
                },
            ),
        }
        for schedule in schedules
    ]


def settings_page(request):
    return render(
        request,
        "settings.html",
        {
            "orgs": access.visible_orgs(request.user).prefetch_related("stores"),
            "queues": heartbeats.queue_health(),
            "can_check_workers": access.can_check_workers(request.user),
            "can_add_orgs": access.can_add_orgs(request.user),
        },
    )


@require_POST
def check_workers(request):
    if not access.can_check_workers(request.user):
        raise PermissionDenied("Checking the workers needs the operator role on a store, or staff.")
    heartbeats.request_heartbeats(source="console")
    messages.info(request, "Every queue was sent a heartbeat task: reload in a few seconds.")
    return redirect(_local_next(request) or "settings")


def _local_next(request) -> str | None:
    """The `next` the form sent, if it stays on this site."""
    next_url = request.POST.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login from a locked-out username and address."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
