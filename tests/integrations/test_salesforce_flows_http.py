"""Each auth flow of the connector's Salesforce client against the emulator, over real HTTP."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from integrations.salesforce import auth
from integrations.salesforce.client import SalesforceClient
from sandbox.salesforce.services import provision_org
from stores.models import AuthFlow, SalesforceOrg
from tests.conftest import make_org

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT = "https://connector.example.com/oauth/salesforce/callback/"


@pytest.fixture
def credentials(live_server):
    return provision_org(name="Flows org", rotate_refresh_tokens=True)


def connector_org(flow, credentials, live_server, **overrides):
    fields = {
        "login_url": live_server.url,
        "auth_flow": flow,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "username": credentials.username,
        "password": credentials.password,
        "security_token": credentials.security_token,
        "private_key": credentials.private_key_pem,
        **overrides,
    }
    return make_org(f"{flow} org", **fields)


def count_accounts(org) -> int:
    client = SalesforceClient.for_org(SalesforceOrg.objects.get(pk=org.pk))
    return len(list(client.query("SELECT Id FROM Account")))


@pytest.mark.parametrize(
    "flow", [AuthFlow.JWT_BEARER, AuthFlow.CLIENT_CREDENTIALS, AuthFlow.USERNAME_PASSWORD]
)
def test_each_unattended_flow_gets_a_token_and_queries(flow, credentials, live_server):
    org = connector_org(flow, credentials, live_server)
    auth.renew_token(org)
    assert count_accounts(org) >= 0
    org.refresh_from_db()
    assert org.instance_url == live_server.url
    assert not org.needs_reconnect


def test_a_wrong_password_marks_the_org_for_reconnection(credentials, live_server):
    org = connector_org(AuthFlow.USERNAME_PASSWORD, credentials, live_server, password="wrong")
    with pytest.raises(auth.NeedsReconnect, match="invalid_grant"):
        auth.renew_token(org)
    assert SalesforceOrg.objects.get(pk=org.pk).needs_reconnect


def approve_on_the_consent_page(org, live_server) -> str:
    """What a person does in the browser: open the authorize page and press Allow."""
    page = requests.get(auth.authorize_url(org, REDIRECT, "s1"), timeout=10)
    hidden = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    answer = requests.post(
        page.url, data={**hidden, "decision": "allow"}, allow_redirects=False, timeout=10
    )
    location = urlsplit(answer.headers["Location"])
    query = parse_qs(location.query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def test_the_web_server_flow_with_rotating_refresh_tokens(credentials, live_server):
    org = connector_org(AuthFlow.WEB_SERVER, credentials, live_server, username="", password="")
    org = auth.exchange_code(org, approve_on_the_consent_page(org, live_server), REDIRECT)
    first_refresh = org.refresh_token
    assert first_refresh and org.access_token

    org = auth.renew_token(org, stale_token=org.access_token)
    assert org.refresh_token and org.refresh_token != first_refresh  # rotated and kept
    assert count_accounts(org) >= 0

    spent = SalesforceOrg.objects.get(pk=org.pk)
    spent.refresh_token, spent.access_token = first_refresh, ""
    spent.save()
    with pytest.raises(auth.NeedsReconnect, match="invalid_grant"):
        auth.renew_token(spent)
    assert SalesforceOrg.objects.get(pk=org.pk).needs_reconnect
