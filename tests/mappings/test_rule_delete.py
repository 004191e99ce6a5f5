"""Deleting a rule of any kind asks first: a page names exactly what goes, and only a POST
from an admin deletes it."""

import pytest
from django.urls import reverse

from mappings.defaults import apply_default_template
from mappings.models import (
    FieldMapping,
    MatchingRule,
    ObjectSetting,
    RecordTypeMapping,
    SyncCondition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(store_a):
    apply_default_template(store_a)
    setting = ObjectSetting.objects.get(store=store_a, source="customer")
    return {
        "fields": (
            FieldMapping.objects.get(
                setting=setting, target_object="Contact", target_field="Email"
            ),
            "Contact.Email ← email",
        ),
        "record-types": (
            RecordTypeMapping.objects.create(
                setting=setting,
                target_object="Account",
                path="customer_group_id",
                operator="eq",
                value="2",
                record_type="Wholesale",
            ),
            "Account record type Wholesale if customer_group_id = 2",
        ),
        "matching-rules": (
            MatchingRule.objects.create(
                setting=setting, target_object="Contact", fields=[["phone", "Phone"]]
            ),
            "Contact by phone=Phone",
        ),
        "conditions": (
            SyncCondition.objects.create(setting=setting, path="email", operator="not_empty"),
            "email is not empty",
        ),
    }


def delete_url(store, kind, rule):
    return reverse("store_mappings_rule_delete", args=[store.pk, "customer", kind, rule.pk])


@pytest.mark.parametrize("kind", ["fields", "record-types", "matching-rules", "conditions"])
def test_delete_asks_first_naming_the_rule_then_deletes_on_post(
    client_for, alice, store_a, rules, kind
):
    rule, described = rules[kind]
    admin = client_for(alice)
    detail = admin.get(reverse("store_mappings_object", args=[store_a.pk, "customer"]))
    assert f'href="{delete_url(store_a, kind, rule)}"' in detail.content.decode()

    page = admin.get(delete_url(store_a, kind, rule))
    assert page.status_code == 200
    named = page.content.decode().split('id="deleted-rule"')[1].split("</p>")[0]
    assert f"<code>{described}</code>" in named.replace("&#x27;", "'")
    assert type(rule).objects.filter(pk=rule.pk).exists()  # asking deletes nothing

    response = admin.post(delete_url(store_a, kind, rule), follow=True)
    assert f"deleted: {described}." in response.content.decode()
    assert not type(rule).objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("member", ["victor", "oscar"])
def test_viewers_and_operators_can_neither_ask_nor_delete(
    client_for, request, store_a, rules, member
):
    other = client_for(request.getfixturevalue(member))
    for kind, (rule, _) in rules.items():
        assert other.get(delete_url(store_a, kind, rule)).status_code == 403
        assert other.post(delete_url(store_a, kind, rule)).status_code == 403
        assert type(rule).objects.filter(pk=rule.pk).exists()
    detail = other.get(reverse("store_mappings_object", args=[store_a.pk, "customer"]))
    assert "/delete/" not in detail.content.decode()
