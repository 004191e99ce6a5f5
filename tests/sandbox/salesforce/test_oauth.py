import base64
import hashlib
import hmac
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.salesforce.services import provision_org
from tests.sandbox.salesforce.conftest import ApiClient, reference_example

TOKEN = "/services/oauth2/token"
AUTHORIZE = "/services/oauth2/authorize"
CALLBACK = "https://connector.example/oauth/callback"


def token(client, **form):
    return client.post(TOKEN, form)


def assertion(credentials, *, key=None, audience="https://login.salesforce.com", expires_in=180):
    claims = {
        "iss": credentials.client_id,
        "sub": credentials.username,
        "aud": audience,
        "exp": int(time.time()) + expires_in,
    }
    return jwt.encode(claims, key or credentials.private_key_pem, algorithm="RS256")


def jwt_token(client, signed):
    return token(client, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion=signed)


def test_the_password_flow_answers_in_the_documented_shape(client, sf_org):
    response = token(
        client,
        grant_type="password",
        client_id=sf_org.client_id,
        client_secret=sf_org.client_secret,
        username=sf_org.username,
        password=sf_org.password + sf_org.security_token,
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(reference_example("oauth_token_response.json"))
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == "http://testserver"
    assert body["id"] == f"http://testserver/id/{sf_org.org_id}/{sf_org.user_id}"
    assert body["access_token"].startswith(sf_org.org_id[:15] + "!")
    assert abs(int(body["issued_at"]) - time.time() * 1000) < 60_000
    expected = hmac.new(
        sf_org.client_secret.encode(), (body["id"] + body["issued_at"]).encode(), hashlib.sha256
    )
    assert body["signature"] == base64.b64encode(expected.digest()).decode()


def test_a_wrong_password_is_an_authentication_failure(client, sf_org):
    response = token(
        client,
        grant_type="password",
        client_id=sf_org.client_id,
        client_secret=sf_org.client_secret,
        username=sf_org.username,
        password=sf_org.password,  # without the security token
    )
    assert response.status_code == 400
    assert response.json() == reference_example("oauth_error_invalid_grant_password.json")


def test_an_unknown_client_id_is_refused(client, sf_org):
    response = token(client, grant_type="client_credentials", client_id="nope", client_secret="x")
    assert response.status_code == 400
    assert response.json() == reference_example("oauth_error_invalid_client_id.json")


def test_client_credentials_work_with_http_basic_auth(client, sf_org):
    basic = base64.b64encode(f"{sf_org.client_id}:{sf_org.client_secret}".encode()).decode()
    response = client.post(
        TOKEN, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] and "refresh_token" not in body


def test_client_credentials_with_a_wrong_secret_are_refused(client, sf_org):
    response = token(
        client, grant_type="client_credentials", client_id=sf_org.client_id, client_secret="bad"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_the_jwt_bearer_flow_verifies_the_assertion(client, sf_org):
    response = jwt_token(client, assertion(sf_org))
    assert response.status_code == 200
    assert set(reference_example("oauth_token_response_jwt_bearer.json")) <= set(response.json())


def test_the_emulators_own_url_is_an_accepted_audience(client, sf_org):
    assert jwt_token(client, assertion(sf_org, audience="http://testserver")).status_code == 200


def test_a_jwt_signed_with_another_key_is_an_invalid_assertion(client, sf_org):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    response = jwt_token(client, assertion(sf_org, key=pem))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "invalid assertion"}


def test_a_jwt_for_another_audience_fails_audience_validation(client, sf_org):
    response = jwt_token(client, assertion(sf_org, audience="https://evil.example"))
    assert response.status_code == 400
    assert response.json() == reference_example("oauth_error_invalid_grant_jwt_audience.json")


def test_an_expired_jwt_is_refused(client, sf_org):
    response = jwt_token(client, assertion(sf_org, expires_in=-600))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_an_unsupported_grant_type_is_refused(client, sf_org):
    response = token(client, grant_type="implicit")
    assert response.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant type not supported",
    }


def authorize(client, credentials, decision=None, **extra):
    params = {
        "response_type": "code",
        "client_id": credentials.client_id,
        "redirect_uri": CALLBACK,
        "state": "xyz-123",
        **extra,
    }
    if decision is None:
        return client.get(AUTHORIZE, params)
    return client.post(AUTHORIZE, {**params, "decision": decision})


def test_the_authorize_page_asks_the_person_to_allow_or_deny(client, sf_org):
    response = authorize(client, sf_org)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Allow" in page and "Deny" in page and sf_org.username in page


def test_deny_redirects_with_access_denied(client, sf_org):
    response = authorize(client, sf_org, decision="deny")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["xyz-123"]


def code_from_allow(client, credentials) -> str:
    response = authorize(client, credentials, decision="allow")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["xyz-123"]
    return query["code"][0]


def exchange(client, credentials, code, redirect_uri=CALLBACK):
    return token(
        client,
        grant_type="authorization_code",
        code=code,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        redirect_uri=redirect_uri,
    )


def test_allow_gives_a_code_that_works_once_for_tokens(client, sf_org):
    code = code_from_allow(client, sf_org)
    response = exchange(client, sf_org, code)
    assert response.status_code == 200
    assert response.json()["refresh_token"]
    assert exchange(client, sf_org, code).json()["error"] == "invalid_grant"


def test_the_code_needs_the_same_redirect_uri(client, sf_org):
    code = code_from_allow(client, sf_org)
    assert exchange(client, sf_org, code, "https://other.example/").status_code == 400


def refresh(client, credentials, refresh_token):
    return token(
        client,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
    )


def test_refresh_tokens_last_when_rotation_is_off(client, sf_org):
    first = exchange(client, sf_org, code_from_allow(client, sf_org)).json()["refresh_token"]
    assert "refresh_token" not in refresh(client, sf_org, first).json()
    assert refresh(client, sf_org, first).status_code == 200


def test_with_rotation_each_refresh_token_works_once(client, db):
    credentials = provision_org(name="Rotating org", rotate_refresh_tokens=True)
    first = exchange(client, credentials, code_from_allow(client, credentials)).json()
    renewed = refresh(client, credentials, first["refresh_token"])
    assert renewed.status_code == 200
    second = renewed.json()["refresh_token"]
    assert second != first["refresh_token"]
    again = refresh(client, credentials, first["refresh_token"])
    assert again.status_code == 400
    assert again.json() == reference_example("oauth_error_invalid_grant_refresh.json")
    assert refresh(client, credentials, second).status_code == 200


def test_a_refreshed_token_calls_the_api(client, sf_org):
    first = exchange(client, sf_org, code_from_allow(client, sf_org)).json()
    access = refresh(client, sf_org, first["refresh_token"]).json()["access_token"]
    assert ApiClient(client, access).get("limits/").status_code == 200


def test_the_identity_url_describes_the_user(client, sf_org):
    body = jwt_token(client, assertion(sf_org)).json()
    identity = client.get(
        urlsplit(body["id"]).path, HTTP_AUTHORIZATION=f"Bearer {body['access_token']}"
    )
    assert identity.status_code == 200
    assert identity.json()["username"] == sf_org.username
    assert identity.json()["organization_id"] == sf_org.org_id


def test_userinfo_names_the_tokens_user(client, sf_org):
    access = jwt_token(client, assertion(sf_org)).json()["access_token"]
    info = client.get("/services/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert info.status_code == 200
    assert info.json()["user_id"] == sf_org.user_id
    assert info.json()["organization_id"] == sf_org.org_id
    assert info.json()["preferred_username"] == sf_org.username
    assert info.json()["sub"].endswith(f"/id/{sf_org.org_id}/{sf_org.user_id}")


def test_userinfo_refuses_a_bad_token_with_403(client, sf_org):
    refused = client.get("/services/oauth2/userinfo", HTTP_AUTHORIZATION="Bearer expired")
    assert (refused.status_code, refused.content) == (403, b"Bad_OAuth_Token")


def test_a_revoked_refresh_token_ends_its_sessions(client, sf_org):
    first = exchange(client, sf_org, code_from_allow(client, sf_org)).json()
    assert (
        client.post("/services/oauth2/revoke", {"token": first["refresh_token"]}).status_code == 200
    )
    assert refresh(client, sf_org, first["refresh_token"]).status_code == 400
    assert ApiClient(client, first["access_token"]).get("limits/").status_code == 401


@pytest.mark.parametrize("grant", ["password", "client_credentials"])
def test_flows_without_a_refresh_token(client, sf_org, grant):
    form = {"client_id": sf_org.client_id, "client_secret": sf_org.client_secret}
    if grant == "password":
        form |= {"username": sf_org.username, "password": sf_org.password + sf_org.security_token}
    assert "refresh_token" not in token(client, grant_type=grant, **form).json()
