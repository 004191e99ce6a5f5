"""What the sandbox_sf_* commands share: choosing the emulated orgs to act on."""

from django.core.management.base import CommandError

from sandbox.salesforce.models import Org


def add_org_argument(parser) -> None:
    parser.add_argument(
        "--org", dest="org_name", help="name of the emulated org (default: every org)"
    )


def chosen_orgs(org_name: str | None) -> list[Org]:
    orgs = list(Org.objects.filter(name=org_name) if org_name else Org.objects.all())
    if not orgs:
        raise CommandError(
            f"No emulated org named {org_name!r}." if org_name else "No emulated org yet."
        )
    return orgs
