from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from integrations.errors import APIError
from integrations.salesforce import auth as salesforce_auth
from integrations.salesforce.client import last_api_usage
from stores import access, services
from stores.forms import AddMemberForm, ChangeRoleForm, OrgForm, StoreForm
from stores.models import AuthFlow, Membership, Role, Store

OAUTH_SESSION_KEY = "salesforce_oauth"
# Views that call BigCommerce or Salesforce run outside the request's transaction
# (@transaction.non_atomic_requests): no database lock is held while an HTTP call is pending.

SECRET_POST_FIELDS = ("access_token", "client_secret", "password", "security_token", "private_key")


def store_list(request):
    stores = access.visible_stores(request.user).select_related("salesforce_org")
    roles = dict(Membership.objects.filter(user=request.user).values_list("store_id", "role"))
    rows = [(store, Role(roles[store.pk]) if store.pk in roles else Role.ADMIN) for store in stores]
    return render(
        request,
        "stores/store_list.html",
        {"rows": rows, "can_add": access.can_add_stores(request.user)},
    )


@sensitive_post_parameters(*SECRET_POST_FIELDS)
def store_create(request):
    if not access.can_add_stores(request.user):
        raise PermissionDenied("You may not add stores.")
    form = StoreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        store = services.create_store(request.user, form.save(commit=False))
        messages.success(request, f"Store {store.name} added. You are its admin.")
        return redirect("store_detail", store.pk)
    return render(request, "stores/store_form.html", {"form": form, "store": None})


def store_detail(request, store_id):
    store = access.get_store(request.user, store_id)
    members = store.memberships.select_related("user")
    return render(request, "stores/store_detail.html", {"store": store, "members": members})


@sensitive_post_parameters(*SECRET_POST_FIELDS)
def store_edit(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    form = StoreForm(request.POST or None, instance=store, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Store {store.name} saved.")
        return redirect("store_detail", store.pk)
    return render(request, "stores/store_form.html", {"form": form, "store": store})


def store_members(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(store, form.cleaned_data["user"], Role(form.cleaned_data["role"]))
        except services.MembershipError as exc:
            form.add_error("user", str(exc))
        else:
            messages.success(
                request, f"{form.cleaned_data['user'].username} added to {store.name}."
            )
            return redirect("store_members", store.pk)
    members = store.memberships.select_related("user")
    return render(
        request,
        "stores/store_members.html",
        {"store": store, "members": members, "form": form, "roles": Role.choices},
    )


@require_POST
def member_change_role(request, store_id, membership_id):
    store, membership = _membership_for_admin(request, store_id, membership_id)
    form = ChangeRoleForm(request.POST)
    if form.is_valid():
        _change_membership(
            request,
            services.change_role,
            membership,
            Role(form.cleaned_data["role"]),
            success=f"{membership.user.username} is now {Role(form.cleaned_data['role']).label}.",
        )
    return redirect("store_members", store.pk)


@require_POST
def member_remove(request, store_id, membership_id):
    store, membership = _membership_for_admin(request, store_id, membership_id)
    _change_membership(
        request,
        services.remove_member,
        membership,
        success=f"{membership.user.username} removed from {store.name}.",
    )
    return redirect("store_members", store.pk)


def _membership_for_admin(request, store_id, membership_id) -> tuple[Store, Membership]:
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    return store, get_object_or_404(Membership, pk=membership_id, store=store)


def _change_membership(request, action, *args, success):
    try:
        action(*args)
    except services.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)


def org_list(request):
    orgs = access.visible_orgs(request.user).prefetch_related("stores")
    return render(
        request,
        "stores/org_list.html",
        {"orgs": orgs, "can_add": access.can_add_orgs(request.user)},
    )


@sensitive_post_parameters(*SECRET_POST_FIELDS)
def org_create(request):
    if not access.can_add_orgs(request.user):
        raise PermissionDenied("You may not add Salesforce orgs.")
    return _org_form(request, OrgForm(request.POST or None), "added")


def org_detail(request, org_id):
    org = access.get_org(request.user, org_id)
    stores = access.visible_stores(request.user).filter(salesforce_org=org)
    context = {
        "org": org,
        "stores": stores,
        "callback_url": oauth_redirect_uri(request),
        "usage": last_api_usage(org.pk),
        "usage_guard": settings.SALESFORCE_USAGE_GUARD_SHARE,
    }
    return render(request, "stores/org_detail.html", context)


@sensitive_post_parameters(*SECRET_POST_FIELDS)
def org_edit(request, org_id):
    org = access.get_org(request.user, org_id, change=True)
    return _org_form(request, OrgForm(request.POST or None, instance=org), "saved")


def _org_form(request, form, verb):
    if request.method == "POST" and form.is_valid():
        org = services.save_org(form.save(commit=False), form.changed_data, user=request.user)
        messages.success(request, f"Salesforce org {org.name} {verb}.")
        return redirect("org_detail", org.pk)
    return render(request, "stores/org_form.html", {"form": form, "org": form.instance})


@transaction.non_atomic_requests
@require_POST
def store_check(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    report = services.check_store_connection(store)
    _report_message(request, report, f"Connection to {store.name}")
    return redirect("store_detail", store.pk)


@transaction.non_atomic_requests
@require_POST
def org_check(request, org_id):
    org = access.get_org(request.user, org_id, change=True)
    report = services.check_org_connection(org)
    _report_message(request, report, f"Connection to {org.name}")
    return redirect("org_detail", org.pk)


@require_POST
def org_refresh_fields(request, org_id):
    org = access.get_org(request.user, org_id, change=True)
    services.forget_org_schema(org)
    messages.success(
        request,
        f"Salesforce fields of {org.name} are read afresh: the next validation and the next "
        "run describe every object again.",
    )
    return redirect("org_detail", org.pk)


@transaction.non_atomic_requests
@require_POST
def org_connect(request, org_id):
    """Connect an org: through Salesforce's consent page for the web-server flow, else directly."""
    org = access.get_org(request.user, org_id, change=True)
    if org.auth_flow != AuthFlow.WEB_SERVER:
        _report_message(request, services.connect_org(org), f"Connecting {org.name}")
        return redirect("org_detail", org.pk)
    state = salesforce_auth.new_state()
    request.session[OAUTH_SESSION_KEY] = {"state": state, "org_id": org.pk}
    return redirect(salesforce_auth.authorize_url(org, oauth_redirect_uri(request), state))


@transaction.non_atomic_requests
@login_not_required
def salesforce_oauth_callback(request):
    """Where Salesforce sends the browser back after the consent page."""
    pending = request.session.pop(OAUTH_SESSION_KEY, None)
    if (
        not pending
        or not request.user.is_authenticated
        or (request.GET.get("state") != pending["state"])
    ):
        return render(request, "stores/oauth_failed.html", {"reason": "unknown"}, status=400)
    org = access.get_org(request.user, pending["org_id"], change=True)
    if request.GET.get("error"):
        reason = request.GET.get("error_description") or request.GET["error"]
        messages.error(request, f"Salesforce did not connect {org.name}: {reason}")
        return redirect("org_detail", org.pk)
    try:
        report = services.finish_oauth(
            org, request.GET.get("code", ""), oauth_redirect_uri(request)
        )
    except APIError as exc:
        messages.error(request, f"Salesforce did not connect {org.name}: {exc}")
        return redirect("org_detail", org.pk)
    _report_message(request, report, f"Connecting {org.name}")
    return redirect("org_detail", org.pk)


def oauth_redirect_uri(request) -> str:
    return request.build_absolute_uri(reverse("salesforce_oauth_callback"))


def _report_message(request, report, what: str) -> None:
    if report.ok:
        messages.success(request, f"{what}: every check passed.")
    else:
        failed = [c.name for c in report.checks if not c.ok]
        messages.error(request, f"{what}: {len(failed)} check(s) failed: {', '.join(failed)}.")
