from datetime import timedelta

import pytest

from sandbox.salesforce.services import create_records
from sandbox.salesforce.values import now


@pytest.fixture
def accounts(org):
    rows = [
        {"Name": "Acme", "Industry": "Retail", "AnnualRevenue": 500.0, "BillingCity": "Lisbon"},
        {"Name": "beta", "Industry": "Retail", "AnnualRevenue": 1500.0},
        {"Name": "Gamma", "Industry": "Technology", "NumberOfEmployees": 12},
        {"Name": "O'Hara & Sons", "Industry": None, "BillingCity": "Porto"},
        {"Name": "100% Cotton", "AnnualRevenue": 99.5},
    ]
    return dict(
        zip([row["Name"] for row in rows], create_records(org, "Account", rows), strict=True)
    )


def names(api, soql):
    response = api.query(soql)
    assert response.status_code == 200, response.json()
    return [record["Name"] for record in response.json()["records"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Name = 'acme'", ["Acme"]),
        ("Name != 'Acme'", ["beta", "Gamma", "O'Hara & Sons", "100% Cotton"]),
        ("Industry = null", ["O'Hara & Sons", "100% Cotton"]),
        ("Industry != null", ["Acme", "beta", "Gamma"]),
        ("Industry != 'Retail'", ["Gamma", "O'Hara & Sons", "100% Cotton"]),
        ("AnnualRevenue > 500", ["beta"]),
        ("AnnualRevenue >= 500", ["Acme", "beta"]),
        ("AnnualRevenue < 500", ["100% Cotton"]),
        ("NumberOfEmployees <= 12", ["Gamma"]),
        ("Industry IN ('Retail', 'Technology')", ["Acme", "beta", "Gamma"]),
        ("Industry NOT IN ('Retail')", ["Gamma", "O'Hara & Sons", "100% Cotton"]),
        ("Name LIKE 'a%'", ["Acme"]),
        ("Name LIKE '_eta'", ["beta"]),
        ("Name LIKE '100\\% %'", ["100% Cotton"]),
        ("Name = 'O\\'Hara & Sons'", ["O'Hara & Sons"]),
        ("Industry = 'Retail' AND AnnualRevenue > 1000", ["beta"]),
        (
            "(Industry = 'Technology' OR BillingCity = 'Porto') AND Name != null",
            ["Gamma", "O'Hara & Sons"],
        ),
        ("NOT Industry = 'Retail'", ["Gamma", "O'Hara & Sons", "100% Cotton"]),
        ("Name > 'b'", ["beta", "Gamma", "O'Hara & Sons"]),
    ],
)
def test_where_filters_like_soql(api, accounts, where, expected):
    assert names(api, f"SELECT Name FROM Account WHERE {where}") == expected  # noqa: S608 - SOQL for the emulator


def test_ids_match_in_their_15_character_form(api, accounts):
    id15 = accounts["Gamma"][:15]
    assert names(api, f"SELECT Name FROM Account WHERE Id = '{id15}'") == ["Gamma"]  # noqa: S608 - SOQL for the emulator


def test_order_by_several_fields_with_nulls(api, accounts):
    assert names(api, "SELECT Name FROM Account ORDER BY Industry NULLS LAST, Name DESC") == [
        "beta",
        "Acme",
        "Gamma",
        "O'Hara & Sons",
        "100% Cotton",
    ]
    assert names(api, "SELECT Name FROM Account ORDER BY AnnualRevenue DESC")[-2:] == [
        "Gamma",
        "O'Hara & Sons",
    ]


def test_limit_and_offset(api, accounts):
    assert names(api, "SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1") == [
        "Acme",
        "beta",
    ]


def test_count_answers_a_total_and_no_records(api, accounts):
    body = api.query("SELECT COUNT() FROM Account WHERE Industry = 'Retail'").json()
    assert body == {"totalSize": 2, "done": True, "records": []}


def test_parent_fields_come_as_nested_records(api, org, accounts):
    create_records(
        org, "Contact", [{"LastName": "Lee", "AccountId": accounts["Acme"]}, {"LastName": "Orphan"}]
    )
    body = api.query(
        "SELECT LastName, Account.Name, Account.Owner.Name FROM Contact "
        "WHERE Account.Industry = 'Retail' OR Account.Name = null ORDER BY LastName"
    ).json()
    lee, orphan = body["records"]
    assert lee["Account"]["Name"] == "Acme"
    assert lee["Account"]["attributes"]["type"] == "Account"
    assert lee["Account"]["Owner"]["Name"] == "Integration User"
    assert orphan["Account"] is None


def test_records_carry_attributes_and_the_selected_fields_only(api, accounts):
    record = api.query("SELECT Id, Name FROM Account WHERE Name = 'Acme'").json()["records"][0]
    assert record == {
        "attributes": {
            "type": "Account",
            "url": f"/services/data/v62.0/sobjects/Account/{accounts['Acme']}",
        },
        "Id": accounts["Acme"],
        "Name": "Acme",
    }


def test_dates_datetimes_and_date_literals(api, org):
    today = now().date()
    create_records(
        org,
        "Opportunity",
        [
            {"Name": "Old", "StageName": "Prospecting", "CloseDate": "2020-01-15"},
            {
                "Name": "Soon",
                "StageName": "Prospecting",
                "CloseDate": (today + timedelta(days=3)).isoformat(),
            },
            {"Name": "Today", "StageName": "Prospecting", "CloseDate": today.isoformat()},
        ],
    )
    assert names(api, "SELECT Name FROM Opportunity WHERE CloseDate < 2021-01-01") == ["Old"]
    assert names(api, "SELECT Name FROM Opportunity WHERE CloseDate = TODAY") == ["Today"]
    assert names(api, "SELECT Name FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:5") == ["Soon"]
    assert names(api, "SELECT Name FROM Opportunity WHERE CloseDate > TODAY") == ["Soon"]
    assert names(api, "SELECT Name FROM Opportunity WHERE CreatedDate = LAST_N_DAYS:1") == [
        "Old",
        "Soon",
        "Today",
    ]
    moment = (now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    soql = "SELECT Name FROM Opportunity WHERE SystemModstamp < " + moment  # noqa: S608
    assert names(api, soql) == [
        "Old",
        "Soon",
        "Today",
    ]


def test_unknown_fields_and_objects_are_reported(api, accounts):
    body = api.query("SELECT Id, FullName FROM Account").json()
    assert body[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'FullName' on entity 'Account'" in body[0]["message"]
    body = api.query("SELECT Id FROM Nothing__c").json()
    assert body[0]["errorCode"] == "INVALID_TYPE"
    body = api.query("SELECT Id FROM Contact WHERE Acount.Name = 'x'").json()
    assert body[0]["errorCode"] == "INVALID_FIELD"


@pytest.mark.parametrize(
    "where",
    ["AnnualRevenue = '5'", "Name = 5", "CreatedDate = 2024-01-01", "CloseDate = '2024-01-01'"],
)
def test_a_value_of_the_wrong_type_is_refused(api, accounts, where):
    object_name = "Opportunity" if "CloseDate" in where else "Account"
    response = api.query(f"SELECT Id FROM {object_name} WHERE {where}")  # noqa: S608 - SOQL for the emulator
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_a_malformed_query_answers_400(api, accounts):
    response = api.query("SELECT Id FROM Account WHERE")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_query_all_also_returns_deleted_records(api, accounts):
    assert api.delete(f"sobjects/Account/{accounts['Gamma']}").status_code == 204
    assert "Gamma" not in names(api, "SELECT Name FROM Account")
    response = api.client.get(
        api.url("queryAll/"),
        {"q": "SELECT Name, IsDeleted FROM Account WHERE Name = 'Gamma'"},
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.json()["records"][0]["IsDeleted"] is True


def test_order_by_id_descending_and_by_a_parent_field(api, org, accounts):
    ordered = [
        r["Id"] for r in api.query("SELECT Id FROM Account ORDER BY Id DESC").json()["records"]
    ]
    assert ordered == sorted(accounts.values(), reverse=True)
    create_records(
        org,
        "Contact",
        [
            {"LastName": "First", "AccountId": accounts["Gamma"]},
            {"LastName": "Second", "AccountId": accounts["Acme"]},
        ],
    )
    body = api.query("SELECT LastName FROM Contact ORDER BY Account.Name").json()
    assert [record["LastName"] for record in body["records"]] == ["Second", "First"]


def test_booleans_and_datetimes_with_offsets(api, org):
    create_records(org, "Product2", [{"Name": "On", "IsActive": True}, {"Name": "Off"}])
    assert names(api, "SELECT Name FROM Product2 WHERE IsActive = true") == ["On"]
    assert names(api, "SELECT Name FROM Product2 WHERE IsActive != true") == ["Off"]
    far_east = "SELECT Name FROM Product2 WHERE CreatedDate > 2000-01-01T09:00:00+09:00"
    assert names(api, far_east) == ["On", "Off"]
