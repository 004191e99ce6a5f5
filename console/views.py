from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from stores import access
from sync import heartbeats


def dashboard(request):
    stores = access.visible_stores(request.user).select_related("salesforce_org")
    return render(
        request,
        "dashboard.html",
        {
            "stores": stores,
            "orgs": access.visible_orgs(request.user),
            "queues": heartbeats.queue_health(),
            "can_check_workers": access.can_check_workers(request.user),
            "can_add_stores": access.can_add_stores(request.user),
        },
    )


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
