import pytest

from sandbox.salesforce import ids
from tests.sandbox.salesforce.conftest import reference_example


@pytest.mark.parametrize(
    ("example", "key"),
    [
        ("sobject_create_201.json", "id"),
        ("sobject_upsert_created_201.json", "id"),
        ("sobject_collections_upsert_response_200.json", None),
        ("query_response_with_next_records_url.json", None),
    ],
)
def test_the_suffix_of_real_ids_is_computed_as_salesforce_does(example, key):
    body = reference_example(example)
    if key:
        found = [body[key]]
    elif isinstance(body, list):
        found = [item["id"] for item in body]
    else:
        found = [record["Id"] for record in body["records"]]
    for record_id in found:
        assert ids.case_safe_suffix(record_id[:15]) == record_id[15:]


def test_a_15_character_id_is_accepted_and_completed():
    assert ids.normalize("003e0000003GuNX") == "003e0000003GuNXAA0"


def test_an_18_character_id_with_a_wrong_suffix_is_refused():
    assert ids.normalize("003e0000003GuNXAAA") is None
    assert ids.normalize("not an id") is None
    assert ids.normalize(None) is None


def test_the_suffix_is_read_without_regard_to_case():
    assert ids.normalize("003e0000003GuNXaa0") == "003e0000003GuNXAA0"


def test_new_ids_carry_the_key_prefix_and_sort_in_creation_order(org):
    first, second = ids.new_ids(org, "001", 2)
    assert first.startswith("001") and second.startswith("001")
    assert len(first) == 18 and ids.normalize(first) == first
    assert first < second


def test_the_org_id_has_the_org_prefix(org):
    assert org.org_id.startswith("00D") and ids.normalize(org.org_id) == org.org_id


def test_the_record_number_uses_digits_and_capitals_so_any_collation_sorts_it():
    made = [ids.make_id("001", 7, number) for number in (9, 10, 35, 36, 1295, 1296)]
    assert made == sorted(made) == sorted(made, key=str.lower)
    assert all(not char.islower() for record_id in made for char in record_id[7:15])
