"""The emulator answers Lightning's record page, where the console's Salesforce links lead."""

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from connector.templatetags.connector_tags import salesforce_url
from sandbox.salesforce.services import create_records
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_record_link_from_the_console_opens_its_fields(client, org):
    [contact_id] = create_records(
        org, "Contact", [{"LastName": "Lovelace", "FirstName": "Ada", "Email": "ada@example.com"}]
    )
    instance = SimpleNamespace(instance_url="http://testserver")
    url = urlsplit(salesforce_url(instance, "Contact", contact_id)).path
    client.force_login(make_user("ada"))

    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Contact <code>{contact_id}</code>" in page
    assert "<dt>LastName</dt><dd>Lovelace</dd>" in page
    assert "<dt>Email</dt><dd>ada@example.com</dd>" in page
    assert client.get(url[: len("/lightning/r/Contact/") + 15] + "/view").status_code == 200


def test_a_missing_record_or_an_anonymous_visitor_sees_no_record(client, org):
    [contact_id] = create_records(org, "Contact", [{"LastName": "Hidden"}])
    assert client.get(f"/lightning/r/Contact/{contact_id}/view").status_code == 302  # log in
    client.force_login(make_user("ada"))
    assert client.get(f"/lightning/r/Account/{contact_id}/view").status_code == 404
    assert client.get("/lightning/r/Contact/003000000000000AAA/view").status_code == 404
