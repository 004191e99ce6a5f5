import json

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_the_api_lists_only_the_users_stores_with_masked_secrets(
    client_for, victor, store_a, store_b
):
    body = client_for(victor).get("/api/v1/stores/").json()
    assert [s["name"] for s in body["results"]] == ["Store A"]
    assert body["results"][0]["secrets"] == {"access_token": "••••1234", "client_secret": ""}
    assert store_a.access_token not in json.dumps(body)


def test_another_users_store_is_404_in_the_api(client_for, victor, store_a, store_b):
    assert client_for(victor).get(f"/api/v1/stores/{store_b.pk}/").status_code == 404


def test_org_secrets_never_leave_the_api(client_for, alice, store_a, org_a):
    org_a.access_token = "live-access-token-should-stay-inside"
    org_a.save()
    body = client_for(alice).get(f"/api/v1/orgs/{org_a.pk}/").content.decode()
    assert org_a.client_secret not in body
    assert "live-access-token-should-stay-inside" not in body


def test_the_api_takes_a_token_and_refuses_anonymous_calls(client, alice, store_a):
    assert client.get("/api/v1/stores/").status_code in (401, 403)
    token = Token.objects.create(user=alice)
    response = client.get("/api/v1/stores/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["count"] == 1
