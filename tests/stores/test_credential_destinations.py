"""A credential goes only to the host its owner sent it for: BigCommerce's or Salesforce's own,
or one the operator allowed in CONNECTOR_ALLOWED_API_HOSTS. Changing where it goes means typing
it again."""

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ValidationError
from django.urls import reverse

from integrations import hosts
from integrations.salesforce import auth as salesforce_auth
from stores import services
from stores.models import AuthFlow, SalesforceOrg, Store
from tests.conftest import make_org
from tests.stores.test_org_forms import org_data
from tests.stores.test_store_forms import store_data

pytestmark = pytest.mark.django_db

STORED_TOKEN = "bc-token-store-a-abcd1234"
ORG_SECRET = "org-consumer-secret-9f8e7d6c"


def edit_store(client, store, **changes):
    fields = {
        "name": store.name,
        "store_hash": store.store_hash,
        "api_base_url": store.api_base_url,
        "access_token": "",
        "salesforce_org": store.salesforce_org_id or "",
    }
    data = store_data(**{**fields, **changes})
    return client.post(reverse("store_edit", args=[store.pk]), data)


# --- the store form ---------------------------------------------------------------------------


def test_a_new_api_base_url_needs_the_access_token_again(client_for, alice, store_a, settings):
    settings.CONNECTOR_ALLOWED_API_HOSTS = ["bc-proxy.example.net"]
    response = edit_store(client_for(alice), store_a, api_base_url="https://bc-proxy.example.net")
    assert response.status_code == 200
    assert "enter the access token again" in response.content.decode()
    store_a.refresh_from_db()
    assert store_a.api_base_url == "https://api.bigcommerce.com"
    assert store_a.access_token == STORED_TOKEN


def test_a_new_api_base_url_is_saved_with_the_token_typed_again(
    client_for, alice, store_a, settings
):
    settings.CONNECTOR_ALLOWED_API_HOSTS = ["bc-proxy.example.net"]
    response = edit_store(
        client_for(alice),
        store_a,
        api_base_url="https://bc-proxy.example.net",
        access_token="bc-token-for-the-proxy-0001",
    )
    assert response.status_code == 302
    store_a.refresh_from_db()
    assert store_a.api_base_url == "https://bc-proxy.example.net"
    assert store_a.access_token == "bc-token-for-the-proxy-0001"


def test_other_changes_keep_the_stored_token(client_for, alice, store_a):
    response = edit_store(
        client_for(alice), store_a, name="Renamed", api_base_url="https://api.bigcommerce.com/"
    )
    assert response.status_code == 302
    store_a.refresh_from_db()
    assert (store_a.name, store_a.access_token) == ("Renamed", STORED_TOKEN)


@pytest.mark.parametrize(
    "url", ["https://attacker.example.com", "https://api.bigcommerce.com.attacker.example"]
)
def test_an_unknown_api_host_is_refused_even_with_the_token(client_for, alice, store_a, url):
    response = edit_store(client_for(alice), store_a, api_base_url=url, access_token="typed-0001")
    assert response.status_code == 200
    assert "CONNECTOR_ALLOWED_API_HOSTS" in response.content.decode()
    store_a.refresh_from_db()
    assert store_a.api_base_url == "https://api.bigcommerce.com"


@pytest.mark.parametrize(
    ("allowed", "url", "ok"),
    [
        (["bc.example.com"], "https://bc.example.com/", True),
        (["*.example.com"], "https://bc.eu.example.com", True),
        (["*.example.com"], "https://example.com", False),
        (["other.example.com"], "https://bc.example.com", False),
    ],
)
def test_the_operator_allows_other_hosts(settings, allowed, url, ok):
    settings.CONNECTOR_ALLOWED_API_HOSTS = allowed
    store = Store(name="S", store_hash="abc123", access_token="t", api_base_url=url)
    if ok:
        store.full_clean()
    else:
        with pytest.raises(ValidationError, match="CONNECTOR_ALLOWED_API_HOSTS"):
            store.full_clean()


def test_the_sandbox_host_is_allowed_only_with_the_sandbox_on(settings):
    local = "http://127.0.0.1:8000/sandbox/bigcommerce"
    assert hosts.refusal(local, "BigCommerce") == ""
    settings.SANDBOX_ENABLED = False
    assert "CONNECTOR_ALLOWED_API_HOSTS" in hosts.refusal(local, "BigCommerce")


def test_the_sandbox_allows_make_runs_host(settings):
    settings.SANDBOX_HOSTS = ["192.0.2.10"]
    assert hosts.refusal("http://192.0.2.10:8000/", "Salesforce").startswith("Salesforce creden")
    assert hosts.refusal("https://192.0.2.10:8000/", "Salesforce") == ""


# --- the org form -----------------------------------------------------------------------------


def edit_org(client, org, **changes):
    fields = {
        "name": org.name,
        "login_url": org.login_url,
        "auth_flow": org.auth_flow,
        "client_id": org.client_id,
        "client_secret": "",
        "username": org.username,
    }
    data = org_data(**{**fields, **changes})
    return client.post(reverse("org_edit", args=[org.pk]), data)


def test_a_new_login_url_needs_the_consumer_secret_again(client_for, alice, org_a, store_a):
    response = edit_org(client_for(alice), org_a, login_url="https://acme.my.salesforce.com")
    assert response.status_code == 200
    assert "enter the consumer secret again" in response.content.decode()
    org_a.refresh_from_db()
    assert (org_a.login_url, org_a.client_secret) == ("https://login.salesforce.com", ORG_SECRET)


def test_a_new_login_url_is_saved_with_the_secret_typed_again(client_for, alice, org_a, store_a):
    response = edit_org(
        client_for(alice),
        org_a,
        login_url="https://acme.my.salesforce.com",
        client_secret="a-new-consumer-secret-0001",
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.login_url == "https://acme.my.salesforce.com"
    assert org_a.client_secret == "a-new-consumer-secret-0001"


def test_a_new_login_url_needs_every_stored_secret_the_flow_sends(client_for, alice, store_a):
    org = make_org(
        "Password org",
        auth_flow=AuthFlow.USERNAME_PASSWORD,
        username="api@acme.example",
        password="stored-password-1",
        created_by=alice,
    )
    response = edit_org(
        client_for(alice),
        org,
        login_url="https://test.salesforce.com",
        client_secret="typed-again-secret",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "enter the password again" in page
    assert "enter the consumer secret again" not in page
    org.refresh_from_db()
    assert org.login_url == "https://login.salesforce.com"


def test_a_new_login_url_needs_the_private_key_again(client_for, alice, store_a):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    org = make_org(
        "JWT org",
        auth_flow=AuthFlow.JWT_BEARER,
        client_secret="",
        username="api@acme.example",
        private_key=pem,
        created_by=alice,
    )
    response = edit_org(client_for(alice), org, login_url="https://test.salesforce.com")
    assert "enter the private key again" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://login.salesforce.com", True),
        ("https://test.salesforce.com", True),
        ("https://acme.my.salesforce.com", True),
        ("https://acme--uat.sandbox.my.salesforce.com", True),
        ("https://login.salesforce.com.attacker.example", False),
        ("https://my.salesforce.com", False),
        ("https://attacker.example", False),
    ],
)
def test_only_salesforce_login_hosts_are_accepted(url, ok):
    org = SalesforceOrg(name="O", client_id="c", client_secret="s", login_url=url)
    if ok:
        org.full_clean()
    else:
        with pytest.raises(ValidationError, match="CONNECTOR_ALLOWED_API_HOSTS"):
            org.full_clean()


# --- at send time -----------------------------------------------------------------------------


@responses.activate
def test_a_stored_store_with_a_foreign_host_gets_no_token(client_for, alice, store_a):
    Store.objects.filter(pk=store_a.pk).update(api_base_url="https://attacker.example")
    response = client_for(alice).post(reverse("store_check", args=[store_a.pk]), follow=True)
    assert response.status_code == 200
    assert len(responses.calls) == 0
    store_a.refresh_from_db()
    first = store_a.connection_report["checks"][0]
    assert first["ok"] is False
    assert "Credentials not sent" in first["detail"]


@responses.activate
def test_a_stored_org_with_a_foreign_login_host_gets_no_secret(org_a):
    SalesforceOrg.objects.filter(pk=org_a.pk).update(
        login_url="https://attacker.example", auth_flow=AuthFlow.CLIENT_CREDENTIALS
    )
    org_a.refresh_from_db()
    with pytest.raises(hosts.HostNotAllowed, match=r"attacker\.example"):
        salesforce_auth.renew_token(org_a)
    assert len(responses.calls) == 0
    report = services.connect_org(org_a)
    assert not report.ok
    assert len(responses.calls) == 0
