import time

from sandbox.faults import set_faults
from sandbox.models import Emulator
from sandbox.salesforce.services import expire_sessions, set_daily_api_limit
from tests.sandbox.salesforce.conftest import reference_example


def usage(response) -> str:
    return response.headers["Sforce-Limit-Info"]


def test_every_authenticated_answer_carries_the_usage(api):
    assert usage(api.get("limits/")) == "api-usage=1/15000"
    assert usage(api.get("sobjects/Nothing/describe/")) == "api-usage=2/15000"


def test_the_versions_call_needs_no_session_and_does_not_count(api, client):
    response = client.get("/services/data/")
    assert response.status_code == 200
    assert "Sforce-Limit-Info" not in response
    assert reference_example("versions_list.json")[0] in response.json()
    assert usage(api.get("limits/")) == "api-usage=1/15000"


def test_the_limits_resource_reports_the_daily_allocation(api):
    api.get("sobjects/")
    body = api.get("limits/").json()
    assert set(reference_example("limits_response.json")) <= set(body)
    assert body["DailyApiRequests"] == {"Max": 15000, "Remaining": 15000 - 2}


def test_calls_past_the_daily_limit_are_refused(api, org):
    set_daily_api_limit(org, 3)
    for _ in range(3):
        assert api.get("limits/").status_code == 200
    refused = api.get("limits/")
    assert refused.status_code == 403
    assert refused.json() == reference_example("error_request_limit_exceeded_403.json")
    assert usage(refused) == "api-usage=3/3"


def test_a_missing_or_unknown_token_is_an_invalid_session(client, db):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer nope"}):
        response = client.get("/services/data/v62.0/limits/", **headers)
        assert response.status_code == 401
        assert response.json() == reference_example("error_invalid_session_id_401.json")


def test_every_nth_call_finds_its_session_expired_for_good(api):
    set_faults(Emulator.SALESFORCE, session_expiry_every=3)
    assert api.get("limits/").status_code == 200
    assert api.get("limits/").status_code == 200
    expired = api.get("limits/")
    assert expired.status_code == 401
    assert expired.json() == reference_example("error_invalid_session_id_401.json")
    assert api.get("limits/").status_code == 401


def test_expiring_an_orgs_sessions_ends_every_token(api, org):
    assert expire_sessions(org) == 1
    assert api.get("limits/").status_code == 401


def test_server_errors_come_as_error_arrays(api):
    set_faults(Emulator.SALESFORCE, error_share=1.0)
    response = api.get("limits/")
    assert response.status_code in (500, 503)
    assert response.json()[0]["errorCode"] in ("UNKNOWN_EXCEPTION", "SERVER_UNAVAILABLE")


def test_latency_is_added_to_answers(api):
    set_faults(Emulator.SALESFORCE, latency_ms=150)
    started = time.monotonic()
    api.get("limits/")
    assert time.monotonic() - started >= 0.15


def test_lock_errors_fail_record_writes(api):
    set_faults(Emulator.SALESFORCE, lock_error_share=1.0)
    response = api.post("sobjects/Account/", {"Name": "Locked"})
    assert response.status_code == 400
    assert response.json() == reference_example("error_unable_to_lock_row_400.json")
