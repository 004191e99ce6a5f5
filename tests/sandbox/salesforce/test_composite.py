import copy

from sandbox.salesforce import records
from tests.sandbox.salesforce.conftest import reference_example


def the_documented_request():
    body = copy.deepcopy(reference_example("composite_request_upsert_then_create.json"))
    for sub in body["compositeRequest"]:
        sub["url"] = sub["url"].replace("ExternalAcctId__c", "BigCommerce_ID__c")
    return body


def test_later_subrequests_use_earlier_results(api, org):
    response = api.post("composite/", the_documented_request())
    assert response.status_code == 200
    answers = response.json()["compositeResponse"]
    expected = reference_example("composite_response.json")["compositeResponse"]
    assert [set(answer) for answer in answers] == [set(item) for item in expected]
    assert [answer["httpStatusCode"] for answer in answers] == [201, 201]
    assert answers[0]["body"]["created"] is True
    account_id = answers[0]["body"]["id"]
    assert answers[1]["httpHeaders"]["Location"].endswith(answers[1]["body"]["id"])
    assert records.count(org, "Contact", LastName="Harrison", AccountId=account_id) == 1


def test_a_query_result_can_be_referred_to(api, org):
    body = {
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v62.0/sobjects/Account",
                "referenceId": "acme",
                "body": {"Name": "Acme"},
            },
            {
                "method": "GET",
                "url": "/services/data/v62.0/query/?q=SELECT+Id+FROM+Account+WHERE+Name='Acme'",
                "referenceId": "found",
            },
            {
                "method": "PATCH",
                "url": "/services/data/v62.0/sobjects/Account/@{found.records[0].Id}",
                "referenceId": "renamed",
                "body": {"Phone": "555"},
            },
        ]
    }
    answers = api.post("composite/", body).json()["compositeResponse"]
    assert [answer["httpStatusCode"] for answer in answers] == [201, 200, 204]
    assert records.count(org, "Account", Phone="555") == 1


def test_all_or_none_rolls_back_and_halts_the_rest(api, org):
    body = the_documented_request()
    body["compositeRequest"][1]["body"].pop("LastName")
    answers = api.post("composite/", body).json()["compositeResponse"]
    assert [answer["httpStatusCode"] for answer in answers] == [400, 400]
    assert answers[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert answers[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert records.count(org, "Account") == 0


def test_without_all_or_none_earlier_work_is_kept(api, org):
    body = the_documented_request()
    body["allOrNone"] = False
    body["compositeRequest"][1]["body"].pop("LastName")
    answers = api.post("composite/", body).json()["compositeResponse"]
    assert [answer["httpStatusCode"] for answer in answers] == [201, 400]
    assert records.count(org, "Account") == 1


def test_a_reference_to_a_failed_subrequest_halts_it(api, org):
    body = {
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v62.0/sobjects/Account",
                "referenceId": "broken",
                "body": {},
            },
            {
                "method": "POST",
                "url": "/services/data/v62.0/sobjects/Contact",
                "referenceId": "child",
                "body": {"LastName": "L", "AccountId": "@{broken.id}"},
            },
        ]
    }
    answers = api.post("composite/", body).json()["compositeResponse"]
    assert answers[1]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert "No value for broken.id found in broken" in answers[1]["body"][0]["message"]


def test_at_most_25_subrequests(api):
    sub = {"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": "x"}
    subs = [{**sub, "referenceId": f"r{n}"} for n in range(26)]
    assert api.post("composite/", {"compositeRequest": subs}).status_code == 400


def test_the_whole_call_counts_once(api):
    subs = [
        {"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": f"r{n}"}
        for n in range(3)
    ]
    response = api.post("composite/", {"compositeRequest": subs})
    assert response.headers["Sforce-Limit-Info"] == "api-usage=1/15000"
