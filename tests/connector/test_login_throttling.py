"""Repeated wrong passwords lock a user out from that address for a while (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery"


def log_in(client, password, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR=address
    )


def fail_five_times(client, address="127.0.0.1"):
    for _ in range(5):
        log_in(client, "wrong password", address)


def test_a_wrong_password_is_answered_on_the_login_page(client, alice):
    response = log_in(client, "wrong password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_refuse_even_the_right_one(client, alice):
    fail_five_times(client)
    response = log_in(client, RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_axes_reset_lets_the_user_in_again(client, alice):
    fail_five_times(client)
    call_command("axes_reset", verbosity=0)
    response = log_in(client, RIGHT)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_the_lockout_ends_after_the_cool_off(client, alice):
    fail_five_times(client)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, RIGHT).status_code == 302


def test_a_lockout_holds_only_for_the_address_that_failed(client, alice):
    fail_five_times(client, address="203.0.113.9")
    assert log_in(client, RIGHT, address="198.51.100.7").status_code == 302


def test_a_superuser_can_see_and_clear_lockouts_in_the_admin(client, alice, superuser):
    fail_five_times(client)
    client.force_login(superuser)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert "alice" in response.content.decode()


def test_the_api_token_still_works_for_a_locked_out_user(client, alice):
    fail_five_times(client)
    token = Token.objects.create(user=alice)
    response = client.get("/api/v1/stores/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
