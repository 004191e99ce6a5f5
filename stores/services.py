"""The write paths for stores, orgs and memberships."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from integrations.bigcommerce import checks as bigcommerce_checks
from integrations.errors import APIError
from integrations.reports import ConnectionReport
from integrations.salesforce import auth as salesforce_auth
from integrations.salesforce import checks as salesforce_checks
from integrations.salesforce.client import SalesforceClient
from stores.models import Membership, Role, SalesforceOrg, Store
from stores.signals import store_created

# Changing any of these makes the tokens the connector holds for an org useless.
ORG_IDENTITY_FIELDS = {
    "login_url",
    "auth_flow",
    "client_id",
    "client_secret",
    "username",
    "password",
    "security_token",
    "private_key",
}


class MembershipError(Exception):
    """A membership change that would leave a store in a bad state."""


@transaction.atomic
def create_store(user, store: Store) -> Store:
    """Save a new store with the default mappings; its creator becomes its first admin."""
    store.save()
    Membership.objects.create(user=user, store=store, role=Role.ADMIN)
    store_created.send(sender=Store, store=store)
    return store


def save_org(org: SalesforceOrg, changed_fields, user=None) -> SalesforceOrg:
    if org.pk is None:
        org.created_by = user
    _drop_credentials_the_flow_does_not_use(org)
    if org.pk is not None and ORG_IDENTITY_FIELDS & set(changed_fields):
        forget_tokens(org)
    org.save()
    if changed_fields:
        forget_org_schema(org)
    return org


def forget_org_schema(org: SalesforceOrg) -> None:
    """After an edit or a reconnection (the org may be another one now, or have new fields),
    or when an admin asks: describes, the price book and mapping validations are read again."""
    SalesforceClient.for_org(org).forget_schema()


def _drop_credentials_the_flow_does_not_use(org: SalesforceOrg) -> None:
    used = set(SalesforceOrg.REQUIRED_CREDENTIALS[org.auth_flow])
    used.update(SalesforceOrg.secrets_sent_by(org.auth_flow))
    for name in SalesforceOrg.SECRET_FIELDS:
        if name not in used:
            setattr(org, name, "")
    if "username" not in used:
        org.username = ""


def forget_tokens(org: SalesforceOrg) -> None:
    org.access_token = ""
    org.refresh_token = ""
    org.instance_url = ""
    org.token_issued_at = None


def find_user(identifier: str):
    """A user by username or email (case-insensitive), or None."""
    User = get_user_model()
    identifier = identifier.strip()
    return (
        User.objects.filter(username__iexact=identifier).first()
        or User.objects.filter(email__iexact=identifier).first()
    )


@transaction.atomic
def add_member(store: Store, user, role: Role) -> Membership:
    membership, created = Membership.objects.get_or_create(
        store=store, user=user, defaults={"role": role}
    )
    if not created:
        raise MembershipError(f"{user.username} is already a member of {store.name}.")
    return membership


@transaction.atomic
def change_role(membership: Membership, role: Role) -> Membership:
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_another_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    if membership.role == Role.ADMIN:
        _ensure_another_admin(membership)
    membership.delete()


def _ensure_another_admin(membership: Membership) -> None:
    admins = Membership.objects.select_for_update().filter(store=membership.store, role=Role.ADMIN)
    if not admins.exclude(pk=membership.pk).exists():
        raise MembershipError(
            f"{membership.store.name} needs at least one admin: make someone else admin first."
        )


def check_store_connection(store: Store) -> ConnectionReport:
    report = bigcommerce_checks.check_store(store)
    _keep_report(store, report)
    return report


def check_org_connection(org: SalesforceOrg) -> ConnectionReport:
    report = salesforce_checks.check_org(org)
    _keep_report(SalesforceOrg.objects.get(pk=org.pk), report)
    return report


def connect_org(org: SalesforceOrg) -> ConnectionReport:
    """Get a new token with the org's own flow (not the web-server flow), then test it."""
    forget_org_schema(org)
    try:
        org = salesforce_auth.renew_token(org, stale_token=org.access_token)
    except APIError as exc:
        report = ConnectionReport()
        report.add("Access token", False, str(exc))
        _keep_report(SalesforceOrg.objects.get(pk=org.pk), report)
        return report
    return check_org_connection(org)


def finish_oauth(org: SalesforceOrg, code: str, redirect_uri: str) -> ConnectionReport:
    """The web-server flow's callback: keep the tokens, then test them."""
    forget_org_schema(org)
    org = salesforce_auth.exchange_code(org, code, redirect_uri)
    return check_org_connection(org)


def _keep_report(instance, report: ConnectionReport) -> None:
    instance.connection_report = report.as_dict()
    instance.connection_checked_at = timezone.now()
    instance.save(update_fields=["connection_report", "connection_checked_at", "updated_at"])
