import pytest
from django.urls import reverse

from stores.models import Store

pytestmark = pytest.mark.django_db


def test_login_is_required_for_every_console_page(client, store_a):
    for url in [
        reverse("dashboard"),
        reverse("store_list"),
        reverse("store_detail", args=[store_a.pk]),
        reverse("org_list"),
        reverse("settings"),
        reverse("record_list"),
        reverse("log_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_a_user_lists_only_the_stores_they_are_a_member_of(client_for, victor, store_a, store_b):
    page = client_for(victor).get(reverse("store_list")).content.decode()
    assert "Store A" in page
    assert "Store B" not in page


def test_a_viewer_of_store_a_cannot_see_store_b(client_for, victor, store_a, store_b):
    client = client_for(victor)
    assert client.get(reverse("store_detail", args=[store_b.pk])).status_code == 404
    assert client.get(reverse("store_edit", args=[store_b.pk])).status_code == 404
    assert client.get(reverse("store_members", args=[store_b.pk])).status_code == 404


def test_a_viewer_of_store_a_cannot_change_store_b(client_for, victor, store_a, store_b):
    response = client_for(victor).post(
        reverse("store_edit", args=[store_b.pk]), {"name": "Hijacked", "store_hash": "hijack"}
    )
    assert response.status_code == 404
    assert Store.objects.get(pk=store_b.pk).name == "Store B"


def test_a_viewer_of_store_a_can_read_it_but_not_change_it(client_for, victor, store_a):
    client = client_for(victor)
    assert client.get(reverse("store_detail", args=[store_a.pk])).status_code == 200
    response = client.post(
        reverse("store_edit", args=[store_a.pk]), {"name": "Renamed", "store_hash": "storea"}
    )
    assert response.status_code == 403
    assert Store.objects.get(pk=store_a.pk).name == "Store A"
    assert client.get(reverse("store_members", args=[store_a.pk])).status_code == 403


def test_an_operator_cannot_configure_the_store(client_for, oscar, store_a):
    assert client_for(oscar).get(reverse("store_edit", args=[store_a.pk])).status_code == 403


def test_a_superuser_sees_every_store(client_for, superuser, store_a, store_b):
    page = client_for(superuser).get(reverse("store_list")).content.decode()
    assert "Store A" in page and "Store B" in page


def test_orgs_are_visible_through_stores_only(client_for, victor, bob, store_a, store_b, org_a):
    assert client_for(victor).get(reverse("org_detail", args=[org_a.pk])).status_code == 200
    client = client_for(bob)
    assert client.get(reverse("org_detail", args=[org_a.pk])).status_code == 404
    assert "Org A" not in client.get(reverse("org_list")).content.decode()


def test_only_admins_of_a_linked_store_may_change_an_org(client_for, victor, alice, store_a, org_a):
    assert client_for(victor).get(reverse("org_edit", args=[org_a.pk])).status_code == 403
    assert client_for(alice).get(reverse("org_edit", args=[org_a.pk])).status_code == 200


def test_adding_stores_and_orgs_needs_the_permission(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("store_create")).status_code == 403
    assert client.get(reverse("org_create")).status_code == 403
