"""The unmodified simple-salesforce client against the emulator, over real HTTP."""

import csv
import io

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
)

from sandbox.salesforce import records
from sandbox.salesforce.services import (
    create_records,
    define_custom_field,
    expire_sessions,
    provision_org,
)
from tests.sandbox.salesforce.conftest import downgrading_session

MY_DOMAIN = "acme.my.salesforce.com"


@pytest.fixture
def credentials(transactional_db):
    return provision_org(name="Live org")


@pytest.fixture
def session(live_server):
    # simple-salesforce's login helpers always call https://{domain}.salesforce.com.
    return downgrading_session(live_server.url, "login.salesforce.com", MY_DOMAIN)


@pytest.fixture
def sf(credentials, session):
    """Logged in through simple-salesforce's own OAuth password flow."""
    return Salesforce(
        username=credentials.username,
        password=credentials.password + credentials.security_token,
        consumer_key=credentials.client_id,
        consumer_secret=credentials.client_secret,
        session=session,
    )


def test_the_password_flow_logs_in_and_points_at_the_emulator(sf, live_server):
    assert sf.sf_instance == live_server.url.removeprefix("http://")
    assert sf.Account.create({"Name": "Acme"})["success"] is True


def test_the_jwt_flow_logs_in_with_the_connected_apps_key(credentials, session):
    sf = Salesforce(
        username=credentials.username,
        consumer_key=credentials.client_id,
        privatekey=credentials.private_key_pem,
        session=session,
    )
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 0


def test_the_client_credentials_flow_logs_in_on_a_my_domain(credentials, session):
    sf = Salesforce(
        consumer_key=credentials.client_id,
        consumer_secret=credentials.client_secret,
        domain="acme.my",
        session=session,
    )
    assert sf.Account.describe()["name"] == "Account"


def test_records_are_created_upserted_and_described(sf, credentials):
    created = sf.Contact.create({"LastName": "Lee", "Email": "lee@example.com"})
    assert sf.Contact.get(created["id"])["Email"] == "lee@example.com"
    assert sf.Account.upsert("BigCommerce_ID__c/s:1", {"Name": "Acme"}) == 201
    assert sf.Account.upsert("BigCommerce_ID__c/s:1", {"Name": "Acme 2"}) == 200
    assert sf.Account.get_by_custom_id("BigCommerce_ID__c", "s:1")["Name"] == "Acme 2"
    fields = {field["name"] for field in sf.Account.describe()["fields"]}
    assert {"Name", "BigCommerce_ID__c", "BillingCity"} <= fields


def test_an_upsert_matching_several_records_raises_more_than_one_record(sf, credentials):
    define_custom_field(credentials.org, "Account", "Legacy__c", "text", external_id=True)
    create_records(
        credentials.org,
        "Account",
        [{"Name": "A", "Legacy__c": "X"}, {"Name": "B", "Legacy__c": "X"}],
    )
    with pytest.raises(SalesforceMoreThanOneRecord) as raised:
        sf.Account.upsert("Legacy__c/X", {"Name": "C"})
    assert len(raised.value.content) == 2


def test_validation_errors_come_back_as_malformed_requests(sf):
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Contact.create({"FirstName": "No last name"})
    assert raised.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_query_all_follows_next_records_urls_beyond_2000_records(sf, credentials):
    create_records(
        credentials.org,
        "Account",
        [{"Name": f"Account {n:04d}", "BigCommerce_ID__c": f"s:{n}"} for n in range(4500)],
    )
    first_page = sf.query("SELECT Id, Name FROM Account")
    assert (first_page["totalSize"], len(first_page["records"])) == (4500, 2000)
    assert first_page["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    result = sf.query_all("SELECT Id, Name, Owner.Name FROM Account WHERE Name LIKE 'Account%'")
    assert result["totalSize"] == 4500 and result["done"] is True
    assert len({record["Id"] for record in result["records"]}) == 4500
    assert result["records"][-1]["Owner"]["Name"] == "Integration User"


def test_bulk2_upsert_reports_failed_rows(sf, credentials):
    create_records(credentials.org, "Account", [{"Name": "Old", "BigCommerce_ID__c": "s:1"}])
    rows = [
        {"BigCommerce_ID__c": "s:1", "Name": "Renamed"},
        {"BigCommerce_ID__c": "s:2", "Name": "New"},
        {"BigCommerce_ID__c": "s:3", "Name": ""},
    ]
    [result] = sf.bulk2.Account.upsert(records=rows, external_id_field="BigCommerce_ID__c", wait=1)
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (3, 1)
    failed = list(
        csv.DictReader(io.StringIO(sf.bulk2.Account.get_failed_records(result["job_id"])))
    )
    assert [row["BigCommerce_ID__c"] for row in failed] == ["s:3"]
    assert failed[0]["sf__Error"].startswith("REQUIRED_FIELD_MISSING")
    successful = sf.bulk2.Account.get_successful_records(result["job_id"])
    assert {row["sf__Created"] for row in csv.DictReader(io.StringIO(successful))} == {
        "true",
        "false",
    }
    assert records.count(credentials.org, "Account", Name="Renamed") == 1


def test_api_usage_is_read_from_the_limit_header(sf):
    sf.query("SELECT Id FROM Account")
    used, total = sf.api_usage["api-usage"]
    assert used >= 1 and total == 15000


def test_an_expired_session_raises_in_direct_session_mode(sf, credentials, session, live_server):
    direct = Salesforce(instance_url=live_server.url, session_id=sf.session_id, session=session)
    assert direct.query("SELECT COUNT() FROM Account")["totalSize"] == 0
    expire_sessions(credentials.org)
    with pytest.raises(SalesforceExpiredSession):
        direct.query("SELECT COUNT() FROM Account")


def test_a_client_that_logged_in_itself_logs_in_again_when_its_session_expires(sf, credentials):
    expired = sf.session_id
    expire_sessions(credentials.org)
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 0
    assert sf.session_id != expired
