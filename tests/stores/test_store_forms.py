import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from mappings.models import ObjectSetting, SourceObject
from stores.models import Membership, Role, Store
from tests.conftest import make_org

pytestmark = pytest.mark.django_db

TOKEN = "bc-access-token-0123456789-LAST"


def store_data(**overrides):
    return {
        "name": "Outdoor Gear",
        "store_hash": "abc123",
        "api_base_url": "https://api.bigcommerce.com",
        "access_token": TOKEN,
        "client_id": "client-id-1",
        "client_secret": "",
        "time_zone": "Europe/Paris",
        "is_active": "on",
        "log_retention_days": "30",
        "salesforce_org": "",
        **overrides,
    }


@pytest.fixture
def creator(alice):
    alice.user_permissions.add(Permission.objects.get(codename="add_store"))
    return alice


def test_a_new_store_makes_its_creator_admin(client_for, creator):
    response = client_for(creator).post(reverse("store_create"), store_data())
    store = Store.objects.get(store_hash="abc123")
    assert response.status_code == 302
    assert store.access_token == TOKEN
    assert Membership.objects.get(store=store, user=creator).role == Role.ADMIN


def test_a_store_added_in_the_console_starts_with_the_default_mappings(client_for, creator):
    client_for(creator).post(reverse("store_create"), store_data())
    store = Store.objects.get(store_hash="abc123")
    sources = set(ObjectSetting.objects.filter(store=store).values_list("source", flat=True))
    assert sources == {s.value for s in SourceObject}


def test_a_store_made_outside_the_console_has_no_mappings_yet(store_b):
    assert not ObjectSetting.objects.filter(store=store_b).exists()


def test_the_whole_api_path_may_be_pasted_as_store_hash(client_for, creator):
    client_for(creator).post(
        reverse("store_create"),
        store_data(store_hash="https://api.bigcommerce.com/stores/XyZ789/v3/"),
    )
    assert Store.objects.filter(store_hash="xyz789").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("store_hash", "not a hash!", "3 to 32 lowercase letters and digits"),
        ("api_base_url", "http://api.example.com", "Use an https:// address"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("access_token", "", "This field is required"),
    ],
)
def test_bad_store_input_is_explained(client_for, creator, field, value, message):
    response = client_for(creator).post(reverse("store_create"), store_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Store.objects.exists()


def test_the_same_store_cannot_be_added_twice(client_for, creator):
    client = client_for(creator)
    client.post(reverse("store_create"), store_data())
    response = client.post(reverse("store_create"), store_data(name="Again"))
    assert "already exists" in response.content.decode()
    assert Store.objects.count() == 1


def test_plain_http_is_allowed_for_a_local_sandbox(client_for, creator):
    client_for(creator).post(
        reverse("store_create"), store_data(api_base_url="http://127.0.0.1:8000/sandbox/bc")
    )
    assert Store.objects.get().api_base_url == "http://127.0.0.1:8000/sandbox/bc"


def test_pages_show_secrets_masked_never_in_full(client_for, alice, store_a):
    client = client_for(alice)
    for url in ["store_list", "store_detail", "store_edit"]:
        args = [] if url == "store_list" else [store_a.pk]
        page = client.get(reverse(url, args=args)).content.decode()
        assert store_a.access_token not in page, url
        assert "••••1234" in page, url


def test_a_blank_secret_keeps_the_stored_one(client_for, alice, store_a):
    data = store_data(
        name="Renamed", store_hash=store_a.store_hash, access_token="", salesforce_org=""
    )
    response = client_for(alice).post(reverse("store_edit", args=[store_a.pk]), data)
    store_a.refresh_from_db()
    assert response.status_code == 302
    assert store_a.name == "Renamed"
    assert store_a.access_token == "bc-token-store-a-abcd1234"


def test_a_typed_secret_replaces_the_stored_one(client_for, alice, store_a):
    data = store_data(store_hash=store_a.store_hash, access_token="new-token-000000000-NEW1")
    client_for(alice).post(reverse("store_edit", args=[store_a.pk]), data)
    store_a.refresh_from_db()
    assert store_a.access_token == "new-token-000000000-NEW1"


def test_a_store_can_only_be_linked_to_an_org_the_user_sees(client_for, creator, db):
    hidden = make_org("Someone else's org")
    response = client_for(creator).post(
        reverse("store_create"), store_data(salesforce_org=str(hidden.pk))
    )
    assert "Select a valid choice" in response.content.decode()
