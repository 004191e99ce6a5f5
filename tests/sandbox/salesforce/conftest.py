import functools
import json
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from sandbox.faults import clear_faults
from sandbox.models import Emulator
from sandbox.salesforce.services import provision_org
from tests.examples import fixture_text, salesforce_example

API = "/services/data/v62.0"


def reference_text(name: str) -> str:
    """An official Salesforce example, as kept in tests/fixtures/salesforce."""
    return fixture_text("salesforce", name)


def reference_example(name: str):
    return salesforce_example(name)


class DowngradeToHttp(HTTPAdapter):
    """Sends an https:// request to a plain-http server instead (FACTS.md §9).

    simple-salesforce builds every URL as https://; this adapter, mounted for the emulator's
    host (and for Salesforce's login host), rewrites the scheme and host to the live server.
    """

    def __init__(self, target: str):
        super().__init__()
        self.target = target.rstrip("/")

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = self.target + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def downgrading_session(live_url: str, *extra_https_hosts: str) -> requests.Session:
    session = requests.Session()
    adapter = DowngradeToHttp(live_url)
    host = urlsplit(live_url).netloc
    for https_host in (host, *extra_https_hosts):
        session.mount(f"https://{https_host}", adapter)
    return session


class ApiClient:
    """Django's test client with a bearer token, speaking JSON to the emulator."""

    def __init__(self, client, token: str, version: str = "62.0"):
        self.client = client
        self.token = token
        self.base = f"/services/data/v{version}"

    def url(self, path: str) -> str:
        return path if path.startswith("/") else f"{self.base}/{path}"

    def call(self, method: str, path: str, body=None, headers=None, **extra):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra}
        for name, value in (headers or {}).items():
            kwargs["HTTP_" + name.upper().replace("-", "_")] = value
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(self.url(path), **kwargs)

    def get(self, path, **kwargs):
        return self.call("get", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call("post", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.call("patch", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("delete", path, **kwargs)

    def query(self, soql: str, **kwargs):
        return self.client.get(
            self.url("query/"), {"q": soql}, HTTP_AUTHORIZATION=f"Bearer {self.token}", **kwargs
        )


def client_credentials_token(client, credentials) -> str:
    response = client.post(
        "/services/oauth2/token",
        {
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture(scope="session", autouse=True)
def one_key_pair_for_all_orgs():
    """Generating an RSA key takes a tenth of a second; the tests' orgs can share one."""
    from sandbox.salesforce import services

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_key_pair", functools.cache(services._key_pair))
        yield


@pytest.fixture(autouse=True)
def no_faults(db):
    clear_faults(Emulator.SALESFORCE)


@pytest.fixture
def sf_org(db):
    return provision_org(name="Test org")


@pytest.fixture
def org(sf_org):
    return sf_org.org


@pytest.fixture
def api(client, sf_org):
    return ApiClient(client, client_credentials_token(client, sf_org))
