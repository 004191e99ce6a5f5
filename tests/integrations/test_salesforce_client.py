import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone
from responses import matchers

from integrations import errors
from integrations.recording import recording
from integrations.retry import RetryPolicy
from integrations.salesforce import auth
from integrations.salesforce.client import DeletedRecord, SalesforceClient
from integrations.salesforce.errors import ReplicationGap
from stores.models import AuthFlow, SalesforceOrg
from tests.conftest import make_org

pytestmark = pytest.mark.django_db

LOGIN = "https://login.salesforce.com"
INSTANCE = "https://acme.my.salesforce.com"
DATA = f"{INSTANCE}/services/data/v62.0"
EXPIRED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def token_answer(access="fresh-token", refresh=None):
    body = {
        "access_token": access,
        "instance_url": INSTANCE,
        "token_type": "Bearer",
        "id": f"{LOGIN}/id/00Dxx0000001gPFEAY/005xx000001SwiUAAS",
        "issued_at": "1278448832702",
        "signature": "sig",
    }
    if refresh:
        body["refresh_token"] = refresh
    return body


@pytest.fixture
def org(db):
    return make_org(
        "Acme",
        login_url=LOGIN,
        auth_flow=AuthFlow.CLIENT_CREDENTIALS,
        access_token="old-token",
        instance_url=INSTANCE,
    )


@pytest.fixture
def slept():
    return []


@pytest.fixture
def client(org, slept):
    return SalesforceClient(
        org,
        sleep=slept.append,
        retry=RetryPolicy(max_attempts=3),
        bulk_threshold=1000,
        usage_guard_share=0.8,
    )


def form_of(call) -> dict:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


@responses.activate
def test_a_session_expiring_in_the_middle_of_a_query_is_renewed_and_the_query_goes_on(client, org):
    responses.get(
        f"{DATA}/query/",
        json={
            "totalSize": 3,
            "done": False,
            "nextRecordsUrl": "/services/data/v62.0/query/01gD-2",
            "records": [{"Id": "1"}, {"Id": "2"}],
        },
    )
    responses.get(
        f"{DATA}/query/01gD-2",
        status=401,
        json=EXPIRED,
        match=[matchers.header_matcher({"Authorization": "Bearer old-token"})],
    )
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("new-token"))
    responses.get(
        f"{DATA}/query/01gD-2",
        json={"totalSize": 3, "done": True, "records": [{"Id": "3"}]},
        match=[matchers.header_matcher({"Authorization": "Bearer new-token"})],
    )

    ids = [r["Id"] for r in client.query("SELECT Id FROM Contact")]

    assert ids == ["1", "2", "3"]
    org.refresh_from_db()
    assert org.access_token == "new-token"


@responses.activate
def test_a_rotated_refresh_token_replaces_the_spent_one(db):
    org = make_org("Rotating", login_url=LOGIN, auth_flow=AuthFlow.WEB_SERVER, refresh_token="R1")
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("A1", refresh="R2"))
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("A2", refresh="R3"))

    org = auth.renew_token(org)
    org = auth.renew_token(org, stale_token="A1")

    sent = [form_of(call)["refresh_token"] for call in responses.calls]
    assert sent == ["R1", "R2"]
    org.refresh_from_db()
    assert (org.access_token, org.refresh_token) == ("A2", "R3")


@responses.activate
def test_a_token_renewed_by_another_worker_is_used_not_renewed_again(org):
    org.access_token = "renewed-elsewhere"
    org.save()
    renewed = auth.renew_token(org, stale_token="old-token")
    assert renewed.access_token == "renewed-elsewhere"
    assert len(responses.calls) == 0


@responses.activate
def test_invalid_grant_marks_the_org_for_reconnection(db):
    org = make_org("Revoked", login_url=LOGIN, auth_flow=AuthFlow.WEB_SERVER, refresh_token="R1")
    responses.post(
        f"{LOGIN}/services/oauth2/token",
        status=400,
        json={"error": "invalid_grant", "error_description": "expired access/refresh token"},
    )
    with pytest.raises(auth.NeedsReconnect, match="expired access/refresh token"):
        auth.renew_token(org)
    org.refresh_from_db()
    assert org.needs_reconnect
    assert "invalid_grant" in org.last_error


@responses.activate
def test_a_token_endpoint_answering_an_error_list_is_a_readable_error(db):
    org = make_org("Down", login_url=LOGIN, auth_flow=AuthFlow.WEB_SERVER, refresh_token="R1")
    responses.post(
        f"{LOGIN}/services/oauth2/token",
        status=503,
        json=[{"errorCode": "SERVER_UNAVAILABLE", "message": "Try again later"}],
    )
    with pytest.raises(errors.TransientError, match=r"HTTP 503.*SERVER_UNAVAILABLE"):
        auth.renew_token(org)


@responses.activate
def test_records_are_deleted_in_collections_and_one_already_gone_counts_as_deleted(client):
    responses.delete(
        f"{DATA}/composite/sobjects",
        json=[
            {"id": "003A", "success": True, "errors": []},
            {
                "id": "003B",
                "success": False,
                "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}],
            },
            {
                "id": "003C",
                "success": False,
                "errors": [{"statusCode": "INSUFFICIENT_ACCESS", "message": "no access"}],
            },
        ],
        match=[matchers.query_param_matcher({"ids": "003A,003B,003C", "allOrNone": "false"})],
    )
    results = client.delete_many(["003A", "003B", "003C"])
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].error.code == "INSUFFICIENT_ACCESS"


@responses.activate
def test_the_jwt_flow_sends_a_signed_assertion(db):

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    org = make_org(
        "JWT",
        login_url=LOGIN,
        auth_flow=AuthFlow.JWT_BEARER,
        username="api@acme.com",
        private_key=pem,
        client_secret="",
    )
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("jwt-token"))
    auth.renew_token(org)
    form = form_of(responses.calls[0])
    claims = jwt.decode(form["assertion"], key.public_key(), algorithms=["RS256"], audience=LOGIN)
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert (claims["iss"], claims["sub"]) == (org.client_id, "api@acme.com")


@responses.activate
def test_several_matches_of_an_external_id_are_a_conflict(client):
    responses.patch(
        f"{DATA}/sobjects/Contact/BigCommerce_ID__c/abc%3A7",
        status=300,
        json=[
            "/services/data/v62.0/sobjects/Contact/003A",
            "/services/data/v62.0/sobjects/Contact/003B",
        ],
    )
    with pytest.raises(errors.Conflict) as raised:
        client.upsert("Contact", "BigCommerce_ID__c", "abc:7", {"LastName": "Doe"})
    assert raised.value.code == "MULTIPLE_MATCHES"
    assert not raised.value.retryable


@responses.activate
def test_a_partial_collections_failure_retries_only_the_locked_rows(client, slept):
    first = [
        {"id": "003A", "success": True, "errors": [], "created": True},
        {
            "success": False,
            "errors": [
                {
                    "statusCode": "REQUIRED_FIELD_MISSING",
                    "message": "Required fields are missing: [LastName]",
                    "fields": ["LastName"],
                }
            ],
        },
        {
            "success": False,
            "errors": [
                {
                    "statusCode": "UNABLE_TO_LOCK_ROW",
                    "message": "unable to obtain exclusive access to this record",
                    "fields": [],
                }
            ],
        },
    ]
    url = f"{DATA}/composite/sobjects/Contact/BigCommerce_ID__c"
    responses.patch(url, json=first)
    responses.patch(url, json=[{"id": "003C", "success": True, "errors": [], "created": False}])
    records = [{"BigCommerce_ID__c": f"s:{n}", "LastName": "X"} for n in range(3)]

    results = client.upsert_many("Contact", "BigCommerce_ID__c", records)

    assert [r.ok for r in results] == [True, False, True]
    assert (results[0].id, results[0].created, results[2].id) == ("003A", True, "003C")
    assert isinstance(results[1].error, errors.ValidationFailed)
    assert (results[1].error.code, results[1].error.fields) == (
        "REQUIRED_FIELD_MISSING",
        ["LastName"],
    )
    second_body = json.loads(responses.calls[1].request.body)
    assert [r["BigCommerce_ID__c"] for r in second_body["records"]] == ["s:2"]
    assert len(slept) == 1


@responses.activate
def test_collections_are_written_in_chunks_of_200(client):
    url = f"{DATA}/composite/sobjects"

    def answer(request):
        count = len(json.loads(request.body)["records"])
        return (
            200,
            {},
            json.dumps([{"id": f"001{n}", "success": True, "errors": []} for n in range(count)]),
        )

    responses.add_callback(responses.POST, url, callback=answer)
    results = client.create_many("Account", [{"Name": f"A{n}"} for n in range(450)])
    assert [len(json.loads(c.request.body)["records"]) for c in responses.calls] == [200, 200, 50]
    assert all(r.ok for r in results)


@responses.activate
def test_a_create_is_not_repeated_after_a_5xx(client):
    responses.post(
        f"{DATA}/composite/sobjects",
        status=503,
        json=[{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}],
    )
    results = client.create_many("Account", [{"Name": "A"}])
    assert len(responses.calls) == 1
    assert isinstance(results[0].error, errors.TransientError)


@responses.activate
def test_bulk_upsert_reports_failed_rows_per_record(client):
    jobs = f"{DATA}/jobs/ingest"
    responses.post(jobs, json={"id": "750J", "state": "Open"})
    responses.put(f"{jobs}/750J/batches", status=201)
    responses.patch(f"{jobs}/750J", json={"id": "750J", "state": "UploadComplete"})
    responses.get(
        f"{jobs}/750J",
        json={
            "id": "750J",
            "state": "JobComplete",
            "numberRecordsProcessed": 3,
            "numberRecordsFailed": 1,
        },
    )
    responses.get(
        f"{jobs}/750J/successfulResults",
        body='"sf__Id","sf__Created","BigCommerce_ID__c","LastName"\n'
        '"003A","true","s:0","A"\n"003B","false","s:1","B"\n',
    )
    responses.get(
        f"{jobs}/750J/failedResults",
        body='"sf__Id","sf__Error","BigCommerce_ID__c","LastName"\n'
        '"","INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--","s:2","C"\n',
    )
    records = [{"BigCommerce_ID__c": f"s:{n}", "LastName": "ABC"[n]} for n in range(3)]
    client.bulk_threshold = 3

    results = client.upsert_many("Contact", "BigCommerce_ID__c", records)

    assert [(r.id, r.created) for r in results[:2]] == [("003A", True), ("003B", False)]
    assert results[2].error.code == "INVALID_CROSS_REFERENCE_KEY"
    assert results[2].error.message == "invalid cross reference id"
    assert not results[2].error.retryable


@responses.activate
def test_syncing_stops_at_the_usage_guard(client):
    responses.get(
        f"{DATA}/limits/",
        json={"DailyApiRequests": {"Max": 15000, "Remaining": 2999}},
        headers={"Sforce-Limit-Info": "api-usage=12001/15000"},
    )
    client.limits()
    assert client.api_usage().used == 12001
    with pytest.raises(errors.RateLimited, match="80% of the org's daily API limit"):
        client.limits()
    assert len(responses.calls) == 1


@responses.activate
def test_a_spent_daily_allocation_is_not_asked_again_within_the_call(client, slept):
    limit = [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    responses.get(f"{DATA}/query/", status=403, json=limit)
    with pytest.raises(errors.RateLimited) as raised:
        list(client.query("SELECT Id FROM Contact"))
    assert raised.value.retry_after == 3600  # for the run to wait in the queue
    assert (len(responses.calls), slept) == (1, [])


@responses.activate
def test_describes_are_cached_per_org(client):
    responses.get(f"{DATA}/sobjects/Account/describe", json={"name": "Account", "fields": []})
    assert client.describe("Account")["name"] == "Account"
    assert client.describe("Account")["name"] == "Account"
    assert len(responses.calls) == 1


@responses.activate
def test_reads_are_retried_after_a_5xx_and_every_call_is_recorded(client):
    responses.get(
        f"{DATA}/sobjects/Account/001A",
        status=500,
        json=[{"message": "boom", "errorCode": "UNKNOWN_EXCEPTION"}],
    )
    responses.get(f"{DATA}/sobjects/Account/001A", json={"Id": "001A"})
    with recording() as calls:
        assert client.get("Account", "001A") == {"Id": "001A"}
    assert [c.status for c in calls] == [500, 200]
    assert all(c.system == "Salesforce" for c in calls)


@responses.activate
def test_the_token_request_is_recorded_without_its_secrets(org):
    org.access_token = ""
    org.save()
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("tok-123456"))
    with recording() as calls:
        auth.renew_token(SalesforceOrg.objects.get(pk=org.pk))
    logged = json.dumps([c.as_dict() for c in calls])
    assert org.client_secret not in logged
    assert "tok-123456" not in logged


@responses.activate
def test_composite_sends_related_records_in_one_call(client):
    answer = {
        "compositeResponse": [
            {
                "body": {"id": "001A", "success": True, "errors": []},
                "httpStatusCode": 201,
                "referenceId": "account",
            },
            {
                "body": {"id": "003A", "success": True, "errors": []},
                "httpStatusCode": 201,
                "referenceId": "contact",
            },
        ]
    }
    responses.post(f"{DATA}/composite", json=answer)
    subrequests = [
        {
            "method": "POST",
            "url": "/services/data/v62.0/sobjects/Account",
            "referenceId": "account",
            "body": {"Name": "Acme"},
        },
        {
            "method": "POST",
            "url": "/services/data/v62.0/sobjects/Contact",
            "referenceId": "contact",
            "body": {"LastName": "Doe", "AccountId": "@{account.id}"},
        },
    ]
    results = client.composite(subrequests)
    sent = json.loads(responses.calls[0].request.body)
    assert sent["allOrNone"] is True
    assert sent["compositeRequest"][1]["body"]["AccountId"] == "@{account.id}"
    assert [r["body"]["id"] for r in results] == ["001A", "003A"]


JOBS = f"{DATA}/jobs/ingest"
SUCCESS_HEADER = '"sf__Id","sf__Created","BigCommerce_ID__c","LastName"\n'
FAILED_HEADER = '"sf__Id","sf__Error","BigCommerce_ID__c","LastName"\n'


def with_token(token):
    return [matchers.header_matcher({"Authorization": f"Bearer {token}"})]


def three_contacts():
    return [{"BigCommerce_ID__c": f"s:{n}", "LastName": "ABC"[n]} for n in range(3)]


def all_created(job="750J"):
    rows = "".join(f'"003{n}","true","s:{n}","{"ABC"[n]}"\n' for n in range(3))
    responses.get(f"{JOBS}/{job}/successfulResults", body=SUCCESS_HEADER + rows)
    responses.get(f"{JOBS}/{job}/failedResults", body=FAILED_HEADER)


@responses.activate
def test_a_long_bulk_job_is_polled_and_read_through_several_renewals(client, slept):
    """The session expires while polling, then while reading results: the job goes on."""
    responses.post(JOBS, json={"id": "750J", "state": "Open"}, match=with_token("old-token"))
    responses.put(f"{JOBS}/750J/batches", status=201)
    responses.patch(f"{JOBS}/750J", json={"id": "750J", "state": "UploadComplete"})
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "InProgress"})
    responses.get(f"{JOBS}/750J", status=401, json=EXPIRED, match=with_token("old-token"))
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("token-2"))
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "InProgress"})
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "JobComplete"})
    responses.get(
        f"{JOBS}/750J/successfulResults", status=401, json=EXPIRED, match=with_token("token-2")
    )
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("token-3"))
    all_created()
    client.bulk_threshold = 3

    results = client.upsert_many("Contact", "BigCommerce_ID__c", three_contacts())

    assert [(r.id, r.created) for r in results] == [("0030", True), ("0031", True), ("0032", True)]
    sent = [(c.request.method, c.request.url.removeprefix(JOBS)) for c in responses.calls]
    assert sent.count(("PUT", "/750J/batches")) == 1
    assert sent.count(("POST", JOBS.removeprefix(JOBS))) == 1  # one job created
    auth = [c.request.headers.get("Authorization") for c in responses.calls[-2:]]
    assert auth == ["Bearer token-3", "Bearer token-3"]  # results read with the newest token
    assert slept == [1.0, 2.0, 4.0]  # the waits before polls grow


@responses.activate
def test_an_upload_that_failed_is_not_sent_again_to_its_job(client, slept):
    """A 5xx on upload leaves the data's fate unknown: that job is aborted, a new one takes it."""
    responses.post(JOBS, json={"id": "750A", "state": "Open"})
    responses.post(JOBS, json={"id": "750J", "state": "Open"})
    responses.put(
        f"{JOBS}/750A/batches",
        status=503,
        json=[{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}],
    )
    aborted = responses.patch(
        f"{JOBS}/750A",
        json={"id": "750A", "state": "Aborted"},
        match=[matchers.json_params_matcher({"state": "Aborted"})],
    )
    responses.put(f"{JOBS}/750J/batches", status=201)
    closed = responses.patch(
        f"{JOBS}/750J",
        json={"id": "750J", "state": "UploadComplete"},
        match=[matchers.json_params_matcher({"state": "UploadComplete"})],
    )
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "JobComplete"})
    all_created()
    client.bulk_threshold = 3

    results = client.upsert_many("Contact", "BigCommerce_ID__c", three_contacts())

    assert all(r.ok for r in results)
    assert (aborted.call_count, closed.call_count) == (1, 1)
    puts = [c.request.url for c in responses.calls if c.request.method == "PUT"]
    assert puts == [f"{JOBS}/750A/batches", f"{JOBS}/750J/batches"]


@responses.activate
def test_a_close_whose_answer_was_lost_is_not_an_error(client):
    """The repeated close finds the job closed by the first one, and the job is read."""
    responses.post(JOBS, json={"id": "750J", "state": "Open"})
    responses.put(f"{JOBS}/750J/batches", status=201)
    responses.patch(
        f"{JOBS}/750J",
        status=503,
        json=[{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}],
    )
    responses.patch(
        f"{JOBS}/750J",
        status=409,
        json=[
            {
                "errorCode": "INVALIDJOBSTATE",
                "message": "Job state is not valid for this request: UploadComplete",
            }
        ],
    )
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "InProgress"})
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "JobComplete"})
    all_created()
    client.bulk_threshold = 3

    results = client.upsert_many("Contact", "BigCommerce_ID__c", three_contacts())

    assert all(r.ok for r in results)
    assert sum(c.request.method == "PUT" for c in responses.calls) == 1


@responses.activate
def test_a_bulk_job_that_runs_too_long_is_aborted_and_its_rest_written_in_collections(org, slept):
    client = SalesforceClient(
        org,
        sleep=slept.append,
        retry=RetryPolicy(max_attempts=3),
        bulk_threshold=3,
        bulk_max_wait=3,
    )
    responses.post(JOBS, json={"id": "750J", "state": "Open"})
    responses.put(f"{JOBS}/750J/batches", status=201)
    responses.patch(
        f"{JOBS}/750J",
        json={"id": "750J", "state": "UploadComplete"},
        match=[matchers.json_params_matcher({"state": "UploadComplete"})],
    )
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "InProgress"})
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "InProgress"})
    aborted = responses.patch(
        f"{JOBS}/750J",
        json={"id": "750J", "state": "Aborted"},
        match=[matchers.json_params_matcher({"state": "Aborted"})],
    )
    responses.get(f"{JOBS}/750J", json={"id": "750J", "state": "Aborted"})
    responses.get(
        f"{JOBS}/750J/successfulResults", body=SUCCESS_HEADER + '"0030","true","s:0","A"\n'
    )
    responses.get(f"{JOBS}/750J/failedResults", body=FAILED_HEADER)
    upsert = responses.patch(
        f"{DATA}/composite/sobjects/Contact/BigCommerce_ID__c",
        json=[
            {"id": "0031", "success": True, "errors": [], "created": True},
            {"id": "0032", "success": True, "errors": [], "created": True},
        ],
    )

    results = client.upsert_many("Contact", "BigCommerce_ID__c", three_contacts())

    assert [r.id for r in results] == ["0030", "0031", "0032"]
    assert aborted.call_count == 1
    assert slept[:2] == [1.0, 2.0] and len(slept) == 3  # two polls, one back-off
    sent = json.loads(upsert.calls[0].request.body)["records"]
    assert [r["BigCommerce_ID__c"] for r in sent] == ["s:1", "s:2"]


LOCKED = {
    "success": False,
    "errors": [
        {
            "statusCode": "UNABLE_TO_LOCK_ROW",
            "message": "unable to obtain exclusive access to this record",
            "fields": [],
        }
    ],
}


@responses.activate
def test_locked_rows_of_all_chunks_are_retried_together_and_a_failed_create_is_not(client, slept):
    """Round 1: chunks of 200, 200, 200, 50. Chunk 3 gets a 503 (a create: not sent again);
    locked rows of the other chunks go in one call, after one back-off."""
    locked = {"A5", "A150", "A201", "A333", "A450", "A620"}
    sizes = []

    def answer(request):
        names = [r["Name"] for r in json.loads(request.body)["records"]]
        sizes.append(len(names))
        if "A400" in names:
            return 503, {}, json.dumps([{"message": "Busy", "errorCode": "SERVER_UNAVAILABLE"}])
        first_round = len(sizes) <= 4
        return (
            200,
            {},
            json.dumps(
                [
                    LOCKED
                    if first_round and name in locked
                    else {"id": f"001{name}", "success": True, "errors": []}
                    for name in names
                ]
            ),
        )

    responses.add_callback(responses.POST, f"{DATA}/composite/sobjects", callback=answer)
    results = client.create_many("Account", [{"Name": f"A{n}"} for n in range(650)])

    assert sizes == [200, 200, 200, 50, 5]  # A450 was in the chunk that failed
    retried = json.loads(responses.calls[4].request.body)["records"]
    assert [r["Name"] for r in retried] == ["A5", "A150", "A201", "A333", "A620"]
    assert len(slept) == 1
    failed = [r.record["Name"] for r in results if not r.ok]
    assert failed == [f"A{n}" for n in range(400, 600)]
    assert all(r.error.status == 503 for r in results[400:600])


@responses.activate
def test_a_renewal_that_met_a_5xx_is_tried_again_and_a_refused_create_is_sent_again(client):
    """The token endpoint failing for a moment does not fail the call. The create was refused
    for its expired session, so nothing was saved: sending it again is safe."""
    url = f"{DATA}/composite/sobjects"
    responses.post(url, status=401, json=EXPIRED, match=with_token("old-token"))
    responses.post(f"{LOGIN}/services/oauth2/token", status=503, body="Service Unavailable")
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("new-token"))
    responses.post(
        url,
        json=[{"id": "001A", "success": True, "errors": []}],
        match=with_token("new-token"),
    )

    [result] = client.create_many("Account", [{"Name": "A"}])

    assert result.ok and result.id == "001A"
    assert [c.response.status_code for c in responses.calls] == [401, 503, 200, 200]


@responses.activate
def test_the_first_token_request_meeting_a_5xx_is_tried_again(org, client):
    org.access_token = ""
    org.save()
    responses.post(f"{LOGIN}/services/oauth2/token", status=500, body="oops")
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("new-token"))
    responses.get(
        f"{DATA}/sobjects/Account/001A", json={"Id": "001A"}, match=with_token("new-token")
    )
    assert client.get("Account", "001A") == {"Id": "001A"}


UNAVAILABLE = [{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}]


@responses.activate
def test_records_of_a_job_never_closed_go_through_collections(client):
    responses.post(JOBS, status=503, json=UNAVAILABLE)
    upsert = responses.patch(
        f"{DATA}/composite/sobjects/Contact/BigCommerce_ID__c",
        json=[{"id": f"003{n}", "success": True, "errors": [], "created": True} for n in range(3)],
    )
    client.bulk_threshold = 3

    results = client.upsert_many("Contact", "BigCommerce_ID__c", three_contacts())

    assert [r.id for r in results] == ["0030", "0031", "0032"]
    assert upsert.call_count == 1
    assert sum(c.request.url == JOBS for c in responses.calls) == 3  # max_attempts


@responses.activate
def test_records_of_a_closed_job_whose_end_is_unknown_are_not_written_again_at_once(client):
    responses.post(JOBS, json={"id": "750J", "state": "Open"})
    responses.put(f"{JOBS}/750J/batches", status=201)
    responses.patch(f"{JOBS}/750J", json={"id": "750J", "state": "UploadComplete"})
    responses.get(f"{JOBS}/750J", status=503, json=UNAVAILABLE)
    client.bulk_threshold = 3

    results = client.upsert_many("Contact", "BigCommerce_ID__c", three_contacts())

    assert all(r.error.retryable and r.error.status == 503 for r in results)
    assert not any("composite" in c.request.url for c in responses.calls)


# --- the connector's own user ------------------------------------------------------------------
USER = "005xx000001SwiUAAS"
USERINFO = f"{INSTANCE}/services/oauth2/userinfo"


@responses.activate
def test_the_connectors_user_comes_with_the_token_and_costs_no_call(org):
    org.access_token = ""
    org.save()
    responses.post(f"{LOGIN}/services/oauth2/token", json=token_answer("tok-1"))
    client = SalesforceClient(SalesforceOrg.objects.get(pk=org.pk))
    responses.get(f"{DATA}/query/", json={"totalSize": 0, "done": True, "records": []})
    list(client.query("SELECT Id FROM Contact"))

    assert client.user_id() == USER
    assert SalesforceClient(SalesforceOrg.objects.get(pk=org.pk)).user_id() == USER
    assert [call.request.url.split("?")[0] for call in responses.calls] == [
        f"{LOGIN}/services/oauth2/token",
        f"{DATA}/query/",
    ]


@responses.activate
def test_without_a_token_answer_userinfo_is_asked_once(client, org):
    responses.get(USERINFO, json={"user_id": USER, "organization_id": "00Dxx0000001gPFEAY"})
    assert client.user_id() == USER
    assert client.user_id() == USER
    assert SalesforceClient(SalesforceOrg.objects.get(pk=org.pk)).user_id() == USER
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["Authorization"] == "Bearer old-token"


@responses.activate
def test_userinfo_refusing_an_expired_token_renews_it(client, org):
    responses.get(USERINFO, status=403, body="Bad_OAuth_Token", content_type="text/plain")
    other_user = f"{LOGIN}/id/00Dxx0000001gPFEAY/005xx000009ZZZZAAA"
    responses.post(
        f"{LOGIN}/services/oauth2/token", json={**token_answer("new-token"), "id": other_user}
    )
    responses.get(
        USERINFO,
        json={"user_id": "005xx000009ZZZZAAA"},
        match=[matchers.header_matcher({"Authorization": "Bearer new-token"})],
    )
    assert client.user_id() == "005xx000009ZZZZAAA"
    org.refresh_from_db()
    assert org.access_token == "new-token"


@responses.activate
def test_userinfo_refusing_for_another_reason_renews_nothing(client, org):
    responses.get(USERINFO, status=403, body="Forbidden", content_type="text/plain")
    with pytest.raises(errors.PermanentError, match="Forbidden"):
        client.user_id()
    assert len(responses.calls) == 1
    org.refresh_from_db()
    assert org.access_token == "old-token"


@responses.activate
def test_the_user_is_asked_again_once_the_org_is_reconnected(client, org):
    responses.get(USERINFO, json={"user_id": USER})
    responses.get(USERINFO, json={"user_id": "005xx000009ZZZZAAA"})
    assert client.user_id() == USER
    client.forget_schema()
    assert client.user_id() == "005xx000009ZZZZAAA"


# --- getDeleted --------------------------------------------------------------------------------
def sf_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def window(hours: float = 1) -> tuple[datetime, datetime]:
    end = timezone.now().replace(microsecond=0)
    return end - timedelta(hours=hours), end


@responses.activate
def test_deleted_lists_the_deleted_records_of_a_window_oldest_first(client):
    start, end = window()
    first, second = start + timedelta(minutes=5), start + timedelta(minutes=20)
    responses.get(
        f"{DATA}/sobjects/Contact/deleted/",
        json={
            "deletedRecords": [
                {"id": "003B", "deletedDate": sf_time(second)},
                {"id": "003A", "deletedDate": sf_time(first)},
            ],
            "earliestDateAvailable": sf_time(start - timedelta(days=3)),
            "latestDateCovered": sf_time(end),
        },
    )

    answer = client.deleted("Contact", start, end)

    assert answer.records == [DeletedRecord("003A", first), DeletedRecord("003B", second)]
    assert answer.earliest_available == start - timedelta(days=3)
    assert answer.latest_covered == end
    sent = parse_qs(urlsplit(responses.calls[0].request.url).query)
    assert sent == {"start": [start.isoformat()], "end": [end.isoformat()]}


@responses.activate
def test_a_window_older_than_the_delete_log_is_a_gap_without_a_call(client):
    start = timezone.now() - timedelta(days=15, minutes=1)
    with pytest.raises(ReplicationGap, match="15 days"):
        client.deleted("Contact", start, start + timedelta(hours=1))
    assert len(responses.calls) == 0


@responses.activate
def test_a_log_purged_after_the_windows_start_is_a_gap(client):
    start, end = window(hours=5)
    purged = start + timedelta(hours=2)
    responses.get(
        f"{DATA}/sobjects/Contact/deleted/",
        json={
            "deletedRecords": [{"id": "003A", "deletedDate": sf_time(end)}],
            "earliestDateAvailable": sf_time(purged),
            "latestDateCovered": sf_time(end),
        },
    )
    with pytest.raises(ReplicationGap) as raised:
        client.deleted("Contact", start, end)
    assert raised.value.earliest_available == purged
    assert [record.id for record in raised.value.answer.records] == ["003A"]
    assert not raised.value.retryable


@responses.activate
def test_salesforce_refusing_the_windows_dates_is_a_gap(client):
    responses.get(
        f"{DATA}/sobjects/Contact/deleted/",
        status=400,
        json=[{"message": "startDate too old", "errorCode": "INVALID_REPLICATION_DATE"}],
    )
    with pytest.raises(ReplicationGap, match="startDate too old") as raised:
        client.deleted("Contact", *window())
    assert raised.value.earliest_available is None


def test_a_window_must_be_aware_and_start_before_it_ends(client):
    start, end = window()
    with pytest.raises(ValueError, match="timezone-aware"):
        client.deleted("Contact", start.replace(tzinfo=None), end)
    with pytest.raises(ValueError, match="start before"):
        client.deleted("Contact", end, start)
