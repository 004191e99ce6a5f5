import re

import pytest

from sync.models import IdentityLink, SyncRun

pytestmark = pytest.mark.django_db


def current_section(page: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "Dashboard"),
        ("/stores/", "Stores"),
        ("/stores/{store}/", "Stores"),
        ("/stores/{store}/runs/", "Stores"),
        ("/stores/{store}/runs/{run}/", "Stores"),
        ("/stores/{store}/schedules/", "Stores"),
        ("/stores/{store}/webhooks/", "Stores"),
        ("/stores/{store}/mappings/", "Stores"),
        ("/stores/{store}/records/customer/1/view/", "Records"),
        ("/records/", "Records"),
        ("/logs/", "Logs"),
        ("/settings/", "Settings"),
        ("/orgs/", "Settings"),
    ],
)
def test_the_nav_marks_the_section_of_every_page(client_for, alice, store_a, path, section):
    run = SyncRun.objects.create(store=store_a, source="customer", kind="full")
    response = client_for(alice).get(path.format(store=store_a.pk, run=run.pk))
    assert response.status_code == 200
    assert current_section(response.content.decode()) == [section]


def test_breadcrumbs_end_with_a_link_not_a_separator(client_for, alice, store_a):
    run = SyncRun.objects.create(store=store_a, source="customer", kind="full")
    link = IdentityLink.objects.create(
        store=store_a,
        org=store_a.salesforce_org,
        source_type="customer",
        source_id="7",
        target_object="Contact",
        target_id="003000000000007AAA",
    )
    client = client_for(alice)
    for path in (
        f"/stores/{store_a.pk}/runs/",
        f"/stores/{store_a.pk}/runs/{run.pk}/",
        f"/stores/{store_a.pk}/records/customers/",
        f"/stores/{store_a.pk}/records/customers/{link.pk}/delete/",
    ):
        crumbs = re.search(r'<p class="crumbs">(.*?)</p>', client.get(path).content.decode())
        assert crumbs and crumbs.group(1).endswith("</a>"), path
