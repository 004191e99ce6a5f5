from decimal import Decimal

import pytest

from sync import identity
from sync.models import IdentityLink

pytestmark = pytest.mark.django_db


def test_equal_values_hash_equally_whatever_their_order():
    first = identity.values_hash({"Amount": Decimal("10.50"), "Name": "A"})
    second = identity.values_hash({"Name": "A", "Amount": Decimal("10.5")})
    assert first == second
    assert identity.values_hash({"Name": "B", "Amount": Decimal("10.5")}) != first


def test_external_ids_are_unique_per_store(store_a, store_b):
    assert identity.external_id(store_a, 7) != identity.external_id(store_b, 7)
    assert identity.external_id(store_a, 7) == f"{store_a.store_hash}:7"


def test_saving_a_link_twice_keeps_one_link(store_a):
    identity.save_links(store_a, "customer", "Contact", [(5, "003A", "h1")])
    identity.save_links(store_a, "customer", "Contact", [(5, "003A", "h2")])
    links = identity.links_for(store_a, "customer", [5, 6], "Contact")
    assert list(links) == ["5"]
    assert links["5"].values_hash == "h2"
    assert IdentityLink.objects.count() == 1


def test_links_of_one_store_are_not_another_stores(store_a, store_b):
    identity.save_links(store_a, "customer", "Contact", [(5, "003A", "")])
    assert identity.links_for(store_b, "customer", [5], "Contact") == {}
