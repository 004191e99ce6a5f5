import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.contrib.auth.models import Permission
from django.urls import reverse

from stores.models import SalesforceOrg

pytestmark = pytest.mark.django_db


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def org_data(**overrides):
    return {
        "name": "Production org",
        "login_url": "https://login.salesforce.com",
        "auth_flow": "web_server",
        "api_version": "62.0",
        "client_id": "3MVG9-consumer-key",
        "client_secret": "consumer-secret-1234567890",
        "username": "",
        "password": "",
        "security_token": "",
        "private_key": "",
        **overrides,
    }


@pytest.fixture
def client(client_for, alice):
    alice.user_permissions.add(Permission.objects.get(codename="add_salesforceorg"))
    return client_for(alice)


def test_an_org_is_created_by_its_creator(client, alice):
    response = client.post(reverse("org_create"), org_data())
    org = SalesforceOrg.objects.get()
    assert response.status_code == 302
    assert org.created_by == alice
    assert org.client_secret == "consumer-secret-1234567890"


@pytest.mark.parametrize(
    ("flow", "missing"),
    [
        ("web_server", {"client_secret": ""}),
        ("jwt_bearer", {"username": "", "private_key": ""}),
        ("client_credentials", {"client_secret": ""}),
        ("username_password", {"username": "", "password": ""}),
    ],
)
def test_each_flow_names_the_credentials_it_lacks(client, flow, missing):
    data = org_data(auth_flow=flow, login_url="https://acme.my.salesforce.com", **missing)
    page = client.post(reverse("org_create"), data).content.decode()
    assert "is needed for the" in page
    assert not SalesforceOrg.objects.exists()


def test_jwt_bearer_takes_an_rsa_pem_key(client):
    key = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    data = org_data(auth_flow="jwt_bearer", username="api@acme.com", private_key=key)
    assert client.post(reverse("org_create"), data).status_code == 302
    assert SalesforceOrg.objects.get().private_key == key.strip()


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("not a key", "not an unencrypted PEM private key"),
        (pem(ec.generate_private_key(ec.SECP256R1())), "needs an RSA key"),
    ],
)
def test_a_bad_private_key_is_refused(client, key, message):
    data = org_data(auth_flow="jwt_bearer", username="api@acme.com", private_key=key)
    assert message in client.post(reverse("org_create"), data).content.decode()


def test_client_credentials_needs_a_my_domain_url(client):
    data = org_data(auth_flow="client_credentials")
    assert "My Domain" in client.post(reverse("org_create"), data).content.decode()


def test_credentials_the_flow_does_not_use_are_not_kept(client):
    data = org_data(auth_flow="web_server", username="someone", password="leftover-password")
    client.post(reverse("org_create"), data)
    org = SalesforceOrg.objects.get()
    assert org.password == ""
    assert org.username == ""


def test_changing_credentials_forgets_the_tokens_obtained_with_them(client, alice, store_a, org_a):
    org_a.access_token, org_a.refresh_token = "old-access", "old-refresh"
    org_a.instance_url = "https://acme.my.salesforce.com"
    org_a.save()
    data = org_data(name=org_a.name, client_id="3MVG9-another-app", client_secret="")
    assert client.post(reverse("org_edit", args=[org_a.pk]), data).status_code == 302
    org_a.refresh_from_db()
    assert org_a.client_secret == "org-consumer-secret-9f8e7d6c"  # kept: the field was blank
    assert (org_a.access_token, org_a.refresh_token, org_a.instance_url) == ("", "", "")


def test_renaming_keeps_the_tokens(client, alice, store_a, org_a):
    org_a.access_token = "still-good"
    org_a.save()
    data = org_data(name="Renamed org", client_id=org_a.client_id, client_secret="")
    client.post(reverse("org_edit", args=[org_a.pk]), data)
    org_a.refresh_from_db()
    assert org_a.access_token == "still-good"


def test_the_org_pages_never_show_secrets(client, alice, store_a, org_a):
    for name in ["org_list", "org_detail", "org_edit", "settings"]:
        args = [org_a.pk] if name in ("org_detail", "org_edit") else []
        page = client.get(reverse(name, args=args)).content.decode()
        assert org_a.client_secret not in page, name
