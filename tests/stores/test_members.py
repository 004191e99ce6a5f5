import pytest
from django.urls import reverse

from stores.models import Membership, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def members_url(store):
    return reverse("store_members", args=[store.pk])


def test_an_admin_adds_a_member_by_email(client_for, alice, store_a):
    carol = make_user("carol")
    client_for(alice).post(members_url(store_a), {"user": "CAROL@example.com", "role": "operator"})
    assert Membership.objects.get(store=store_a, user=carol).role == Role.OPERATOR


def test_an_unknown_user_is_explained(client_for, alice, store_a):
    page = client_for(alice).post(members_url(store_a), {"user": "nobody", "role": "viewer"})
    assert "No user has that username or email." in page.content.decode()


def test_adding_an_existing_member_is_explained(client_for, alice, victor, store_a):
    page = client_for(alice).post(members_url(store_a), {"user": "victor", "role": "admin"})
    assert "already a member" in page.content.decode()
    assert Membership.objects.get(store=store_a, user=victor).role == Role.VIEWER


def test_an_admin_changes_a_role_and_removes_a_member(client_for, alice, victor, store_a):
    client = client_for(alice)
    membership = Membership.objects.get(store=store_a, user=victor)
    client.post(reverse("member_change_role", args=[store_a.pk, membership.pk]), {"role": "admin"})
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN
    client.post(reverse("member_remove", args=[store_a.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_can_be_neither_demoted_nor_removed(client_for, alice, store_a):
    client = client_for(alice)
    membership = Membership.objects.get(store=store_a, user=alice)
    response = client.post(
        reverse("member_change_role", args=[store_a.pk, membership.pk]),
        {"role": "viewer"},
        follow=True,
    )
    assert "needs at least one admin" in response.content.decode()
    client.post(reverse("member_remove", args=[store_a.pk, membership.pk]))
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN


def test_members_of_another_store_cannot_be_touched(client_for, bob, victor, store_a, store_b):
    membership = Membership.objects.get(store=store_a, user=victor)
    response = client_for(bob).post(reverse("member_remove", args=[store_b.pk, membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
