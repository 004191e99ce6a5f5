"""Who may see and change which store and org. Every view and API endpoint asks here.

A user sees the stores they are a member of (a superuser sees all); anything else is 404.
Within a visible store the role decides: viewer reads, operator runs syncs, admin configures.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from stores.models import Membership, Role, SalesforceOrg, Store


def visible_stores(user) -> QuerySet[Store]:
    if user.is_superuser:
        return Store.objects.all()
    return Store.objects.filter(memberships__user=user)


def role_on(user, store: Store) -> Role | None:
    if user.is_superuser:
        return Role.ADMIN
    role = Membership.objects.filter(user=user, store=store).values_list("role", flat=True).first()
    return Role(role) if role else None


def operated_store_ids(user) -> set[int]:
    """The stores where the user may start imports, exports and re-syncs (one query)."""
    if user.is_superuser:
        return set(Store.objects.values_list("pk", flat=True))
    roles = [Role.OPERATOR, Role.ADMIN]
    members = Membership.objects.filter(user=user, role__in=roles)
    return set(members.values_list("store_id", flat=True))


def get_store(user, store_id, needs: Role = Role.VIEWER) -> Store:
    """The store if the user may see it (else 404) and holds the needed role (else 403)."""
    store = visible_stores(user).select_related("salesforce_org").filter(pk=store_id).first()
    if store is None:
        raise Http404("No such store.")
    role = role_on(user, store)
    if not role.allows(needs):
        raise PermissionDenied(f"This needs the {Role(needs).label} role on {store.name}.")
    store.user_role = role
    return store


def can_check_workers(user) -> bool:
    """Staff, or an operator or admin of some store: the workers are shared by every store."""
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user=user, role__in=[Role.OPERATOR, Role.ADMIN]).exists()


def can_add_stores(user) -> bool:
    return user.has_perm("stores.add_store")


def can_add_orgs(user) -> bool:
    return user.has_perm("stores.add_salesforceorg")


def visible_orgs(user) -> QuerySet[SalesforceOrg]:
    """Orgs the user created or that sync with one of the user's stores."""
    if user.is_superuser:
        return SalesforceOrg.objects.all()
    return SalesforceOrg.objects.filter(
        Q(created_by=user) | Q(stores__memberships__user=user)
    ).distinct()


def can_change_org(user, org: SalesforceOrg) -> bool:
    if user.is_superuser or org.created_by_id == user.pk:
        return True
    return org.stores.filter(memberships__user=user, memberships__role=Role.ADMIN).exists()


def get_org(user, org_id, change: bool = False) -> SalesforceOrg:
    org = visible_orgs(user).filter(pk=org_id).first()
    if org is None:
        raise Http404("No such Salesforce org.")
    org.user_can_change = can_change_org(user, org)
    if change and not org.user_can_change:
        raise PermissionDenied(
            f"Only an admin of a store that syncs with {org.name} may change it."
        )
    return org
