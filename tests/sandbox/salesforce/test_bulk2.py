import csv
import io

import pytest

from sandbox.salesforce import records
from sandbox.salesforce.services import create_records
from tests.sandbox.salesforce.conftest import reference_example, reference_text

JOBS = "jobs/ingest"


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


class Job:
    def __init__(self, api, **spec):
        self.api = api
        response = api.post(f"{JOBS}/", {"contentType": "CSV", "lineEnding": "LF", **spec})
        assert response.status_code == 200, response.json()
        self.info = response.json()
        self.url = f"{JOBS}/{self.info['id']}"

    def upload(self, text: str):
        return self.api.client.put(
            self.api.url(f"{self.url}/batches"),
            text.encode(),
            content_type="text/csv",
            HTTP_AUTHORIZATION=f"Bearer {self.api.token}",
        )

    def close(self):
        return self.api.patch(self.url, {"state": "UploadComplete"})

    def run(self, text: str) -> dict:
        assert self.upload(text).status_code == 201
        assert self.close().json()["state"] == "UploadComplete"
        return self.api.get(self.url).json()

    def results(self, kind: str) -> str:
        response = self.api.get(f"{self.url}/{kind}/")
        assert response["Content-Type"].startswith("text/csv")
        return response.content.decode()


def test_a_new_job_is_open_and_described_like_salesforces(api):
    job = Job(api, object="Account", operation="insert")
    assert job.info["state"] == "Open"
    documented = reference_example("bulk2_job_info.json")
    assert set(documented) - {"externalIdFieldName"} <= set(job.info)
    assert job.info["jobType"] == "V2Ingest" and job.info["id"].startswith("750")


def test_an_insert_job_reports_successes_and_failures(api, org):
    job = Job(api, object="Contact", operation="insert")
    info = job.run("FirstName,LastName,Email\nAnn,Lee,ann@example.com\nBob,,bob@example.com\n")
    assert info["state"] == "JobComplete"
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (2, 1)
    [success] = rows_of(job.results("successfulResults"))
    assert success["sf__Created"] == "true" and success["LastName"] == "Lee"
    assert records.count(org, "Contact", Email="ann@example.com") == 1
    failed_text = job.results("failedResults")
    documented = reference_text("bulk2_failed_results.csv").splitlines()[0]
    assert failed_text.splitlines()[0].startswith(documented[: len('"sf__Id","sf__Error"')])
    [failure] = rows_of(failed_text)
    assert failure["sf__Id"] == ""
    assert failure["sf__Error"] == (
        "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
    )
    assert rows_of(job.results("unprocessedrecords")) == []


def test_an_upsert_job_creates_and_updates_by_external_id(api, org):
    create_records(org, "Account", [{"Name": "Old", "BigCommerce_ID__c": "s:1"}])
    job = Job(api, object="Account", operation="upsert", externalIdFieldName="BigCommerce_ID__c")
    info = job.run('BigCommerce_ID__c,Name\ns:1,"Renamed, Inc."\ns:2,New\n')
    assert info["numberRecordsFailed"] == 0
    created = {
        row["BigCommerce_ID__c"]: row["sf__Created"]
        for row in rows_of(job.results("successfulResults"))
    }
    assert created == {"s:1": "false", "s:2": "true"}
    assert records.count(org, "Account", Name="Renamed, Inc.") == 1


def test_a_relationship_column_names_the_parent_by_external_id(api, org):
    [account] = create_records(org, "Account", [{"Name": "A", "BigCommerce_ID__c": "s:1"}])
    job = Job(api, object="Contact", operation="insert")
    job.run("LastName,Account.BigCommerce_ID__c\nLee,s:1\nKim,s:404\n")
    assert records.count(org, "Contact", AccountId=account) == 1
    [failure] = rows_of(job.results("failedResults"))
    assert failure["sf__Error"].startswith("INVALID_FIELD:Foreign key external ID: s:404")


def test_update_and_delete_jobs_work_by_id(api, org):
    first, second = create_records(org, "Account", [{"Name": "A", "Phone": "1"}, {"Name": "B"}])
    update = Job(api, object="Account", operation="update")
    update.run(f"Id,Phone,Website\n{first},,#N/A\n{second},222,\n")
    assert records.count(org, "Account", Name="A", Phone="1") == 1
    assert records.count(org, "Account", Name="B", Phone="222") == 1
    delete = Job(api, object="Account", operation="delete")
    info = delete.run(f"Id\n{first}\n")
    assert info["numberRecordsFailed"] == 0 and records.count(org, "Account") == 1


def test_a_hard_delete_leaves_nothing_for_query_all(api, org):
    [account] = create_records(org, "Account", [{"Name": "Gone"}])
    Job(api, object="Account", operation="hardDelete").run(f"Id\n{account}\n")
    assert records.all_records(org, "Account", include_deleted=True) == []


def test_an_unknown_column_fails_the_job(api):
    job = Job(api, object="Account", operation="insert")
    info = job.run("Name,Nickname\nA,B\n")
    assert info["state"] == "Failed"
    assert info["errorMessage"] == "InvalidBatch : Field name not found : Nickname"


def test_an_aborted_job_leaves_its_rows_unprocessed(api, org):
    job = Job(api, object="Account", operation="insert")
    job.upload("Name\nA\nB\n")
    assert api.patch(job.url, {"state": "Aborted"}).json()["state"] == "Aborted"
    assert [row["Name"] for row in rows_of(job.results("unprocessedrecords"))] == ["A", "B"]
    assert records.count(org, "Account") == 0


def test_a_closed_job_takes_no_more_data(api):
    job = Job(api, object="Account", operation="insert")
    job.run("Name\nA\n")
    assert job.upload("Name\nB\n").status_code == 409


@pytest.mark.parametrize(
    "spec",
    [
        {"object": "Account", "operation": "merge"},
        {"object": "Nothing__c", "operation": "insert"},
        {"object": "Account", "operation": "upsert"},
        {"object": "Account", "operation": "upsert", "externalIdFieldName": "Name"},
    ],
)
def test_invalid_jobs_are_refused(api, spec):
    response = api.post(f"{JOBS}/", spec)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALIDJOB"


def test_jobs_are_listed_and_deleted_when_done(api):
    job = Job(api, object="Account", operation="insert")
    assert api.delete(job.url).status_code == 409
    job.run("Name\nA\n")
    assert [item["id"] for item in api.get(f"{JOBS}/").json()["records"]] == [job.info["id"]]
    assert api.delete(job.url).status_code == 204
    assert api.get(job.url).status_code == 404
