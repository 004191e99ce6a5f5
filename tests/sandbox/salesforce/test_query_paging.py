import pytest

from sandbox.salesforce.services import create_records
from tests.sandbox.salesforce.conftest import reference_example


@pytest.fixture
def leads(org):
    rows = [
        {"LastName": f"Lead {n:04d}", "Company": "Acme" if n % 2 else "Beta"} for n in range(450)
    ]
    return create_records(org, "Lead", rows)


def pages(api, soql, batch_size=200):
    options = {"HTTP_SFORCE_QUERY_OPTIONS": f"batchSize={batch_size}"}
    page = api.client.get(
        api.url("query/"), {"q": soql}, HTTP_AUTHORIZATION=f"Bearer {api.token}", **options
    ).json()
    found = [page]
    while not page["done"]:
        page = api.get(page["nextRecordsUrl"]).json()
        found.append(page)
    return found


def test_answers_page_by_the_batch_size_with_next_records_urls(api, leads):
    found = pages(api, "SELECT Id, LastName FROM Lead")
    assert [len(page["records"]) for page in found] == [200, 200, 50]
    assert all(page["totalSize"] == 450 for page in found)
    first = found[0]
    assert list(first) == list(reference_example("query_response_with_next_records_url.json"))
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-200")
    ids = [record["Id"] for page in found for record in page["records"]]
    assert ids == leads


def test_filtered_and_sorted_answers_keep_their_order_across_pages(api, leads):
    found = pages(api, "SELECT LastName FROM Lead WHERE Company = 'Acme' ORDER BY LastName DESC")
    names = [record["LastName"] for page in found for record in page["records"]]
    assert len(names) == 225 and names == sorted(names, reverse=True)


def test_limit_and_offset_apply_before_paging(api, leads):
    found = pages(api, "SELECT Id FROM Lead ORDER BY Id LIMIT 300 OFFSET 100")
    ids = [record["Id"] for page in found for record in page["records"]]
    assert ids == leads[100:400]


def test_records_deleted_between_pages_are_left_out(api, leads):
    first = api.client.get(
        api.url("query/"),
        {"q": "SELECT Id FROM Lead"},
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_SFORCE_QUERY_OPTIONS="batchSize=200",
    ).json()
    api.delete(f"sobjects/Lead/{leads[300]}")
    second = api.get(first["nextRecordsUrl"]).json()
    assert leads[300] not in [record["Id"] for record in second["records"]]


def test_an_unknown_locator_is_refused(api, leads):
    response = api.get("query/01gNOTALOCATOR-200")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_the_batch_size_is_at_least_200_and_at_most_2000(api, leads):
    assert len(pages(api, "SELECT Id FROM Lead", batch_size=10)[0]["records"]) == 200
    assert len(pages(api, "SELECT Id FROM Lead", batch_size=5000)[0]["records"]) == 450
