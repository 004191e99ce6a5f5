from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.urls import reverse

from integrations.salesforce.checks import OBJECTS
from integrations.salesforce.client import remember_api_usage
from stores.models import AuthFlow, SalesforceOrg, Store

pytestmark = pytest.mark.django_db

BC = "https://api.bigcommerce.com/stores/storea"
LOGIN = "https://login.salesforce.com"
INSTANCE = "https://acme.my.salesforce.com"


def grant_everything_but(missing_path=None):
    responses.get(f"{BC}/v2/store", json={"name": "Store A", "domain": "a.example.com"})
    for path in (
        "v2/orders",
        "v3/customers",
        "v3/catalog/products",
        "v3/orders/payment_actions/refunds",
        "v3/hooks",
    ):
        if path == missing_path:
            responses.get(
                f"{BC}/{path}",
                status=403,
                json={"status": 403, "title": "You don't have a required scope"},
            )
        else:
            responses.get(f"{BC}/{path}", json={"data": [], "meta": {}})


@responses.activate
def test_testing_a_store_shows_each_scope_and_keeps_the_report(client_for, alice, store_a):
    grant_everything_but("v2/orders")
    response = client_for(alice).post(reverse("store_check", args=[store_a.pk]), follow=True)
    page = response.content.decode()
    assert "1 check(s) failed: Scope: Orders" in page
    assert "not granted to this API account" in page
    report = Store.objects.get(pk=store_a.pk).connection_report
    assert report["ok"] is False
    assert report["facts"]["domain"] == "a.example.com"
    assert [c["name"] for c in report["checks"] if c["ok"]] == [
        "Access token and store information",
        "Scope: Customers",
        "Scope: Products",
        "Scope: Order transactions (refunds)",
        "Scope: Webhooks",
    ]


@responses.activate
def test_a_refused_token_is_reported_without_probing_scopes(client_for, alice, store_a):
    responses.get(f"{BC}/v2/store", status=401, json={"status": 401, "title": "Unauthorized"})
    client_for(alice).post(reverse("store_check", args=[store_a.pk]))
    report = Store.objects.get(pk=store_a.pk).connection_report
    assert len(report["checks"]) == 1
    assert "token was refused" in report["checks"][0]["detail"]
    assert len(responses.calls) == 1


def test_only_admins_may_test_a_store(client_for, victor, store_a):
    assert client_for(victor).post(reverse("store_check", args=[store_a.pk])).status_code == 403


@pytest.fixture
def web_org(org_a):
    org_a.login_url = LOGIN
    org_a.save()
    return org_a


def test_connecting_a_web_server_org_goes_to_the_consent_page(client_for, alice, store_a, web_org):
    client = client_for(alice)
    response = client.post(reverse("org_connect", args=[web_org.pk]))
    target = urlsplit(response.url)
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{LOGIN}/services/oauth2/authorize"
    assert query["client_id"] == web_org.client_id
    assert query["redirect_uri"] == "http://testserver/oauth/salesforce/callback/"
    assert query["state"] == client.session["salesforce_oauth"]["state"]


def test_a_callback_with_a_wrong_state_is_refused(client_for, alice, store_a, web_org):
    client = client_for(alice)
    client.post(reverse("org_connect", args=[web_org.pk]))
    response = client.get(reverse("salesforce_oauth_callback"), {"state": "forged", "code": "c"})
    assert response.status_code == 400
    assert SalesforceOrg.objects.get(pk=web_org.pk).refresh_token == ""


def test_a_denied_consent_is_said_clearly(client_for, alice, store_a, web_org):
    client = client_for(alice)
    client.post(reverse("org_connect", args=[web_org.pk]))
    state = client.session["salesforce_oauth"]["state"]
    response = client.get(
        reverse("salesforce_oauth_callback"),
        {
            "state": state,
            "error": "access_denied",
            "error_description": "end-user denied authorization",
        },
        follow=True,
    )
    assert "did not connect Org A: end-user denied authorization" in response.content.decode()


@responses.activate
def test_an_approved_consent_keeps_the_tokens_and_tests_the_org(
    client_for, alice, store_a, web_org
):
    client = client_for(alice)
    client.post(reverse("org_connect", args=[web_org.pk]))
    state = client.session["salesforce_oauth"]["state"]
    responses.post(
        f"{LOGIN}/services/oauth2/token",
        json={
            "access_token": "A1",
            "refresh_token": "R1",
            "instance_url": INSTANCE,
            "id": f"{LOGIN}/id/00D/005",
            "token_type": "Bearer",
            "issued_at": "1",
            "signature": "s",
        },
    )
    data = f"{INSTANCE}/services/data/v62.0"
    responses.get(f"{data}/limits/", json={"DailyApiRequests": {"Max": 15000, "Remaining": 14990}})
    for sobject in OBJECTS:
        fields = [{"name": "BigCommerce_ID__c", "externalId": True}] if sobject == "Account" else []
        responses.get(
            f"{data}/sobjects/{sobject}/describe",
            json={
                "name": sobject,
                "createable": sobject != "Case",
                "updateable": True,
                "fields": fields,
            },
        )

    response = client.get(
        reverse("salesforce_oauth_callback"), {"state": state, "code": "the-code"}, follow=True
    )

    org = SalesforceOrg.objects.get(pk=web_org.pk)
    assert (org.access_token, org.refresh_token, org.instance_url) == ("A1", "R1", INSTANCE)
    token_form = parse_qs(responses.calls[0].request.body)
    assert token_form["code"] == ["the-code"] and token_form["grant_type"] == ["authorization_code"]
    checks = {c["name"]: c for c in org.connection_report["checks"]}
    assert "external ID fields: BigCommerce_ID__c" in checks["Object: Account"]["detail"]
    assert "records will be matched by rules" in checks["Object: Contact"]["detail"]
    assert "lacks createable permission" in checks["Object: Case"]["detail"]
    assert "1 check(s) failed: Object: Case" in response.content.decode()


@responses.activate
def test_a_refused_password_org_is_marked_for_reconnection(client_for, alice, store_a, org_a):
    org_a.auth_flow, org_a.login_url = AuthFlow.USERNAME_PASSWORD, LOGIN
    org_a.username, org_a.password = "api@acme.com", "wrong"
    org_a.save()
    responses.post(
        f"{LOGIN}/services/oauth2/token",
        status=400,
        json={"error": "invalid_grant", "error_description": "authentication failure"},
    )
    response = client_for(alice).post(reverse("org_connect", args=[org_a.pk]), follow=True)
    org = SalesforceOrg.objects.get(pk=org_a.pk)
    assert org.needs_reconnect
    assert "authentication failure" in response.content.decode()
    assert "needs reconnection" in response.content.decode()


def test_the_org_page_says_when_the_usage_guard_stopped_syncing(client_for, alice, store_a, org_a):
    remember_api_usage(org_a.pk, 12500, 15000)
    page = client_for(alice).get(reverse("org_detail", args=[org_a.pk])).content.decode()
    assert "12500 of 15000 calls (83%)" in page
    assert "syncing stopped at the 80% guard" in page
