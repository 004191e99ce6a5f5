"""Salesforce record Ids: 15 case-sensitive characters plus a 3-character case-safe suffix.

An Id here is the object's key prefix (3), the org's number (3, base 62), a zero and the
record's number in the org (8, digits and capitals only). Within an object of an org, Ids thus
sort in creation order under any database collation, not only byte order: queries page by
ranges of Ids.
"""

import re

from django.db import transaction
from django.db.models import F

from sandbox.salesforce.models import Sequence

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE36 = BASE62[:36]
SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ID_PATTERN = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-5]{3})?$")

ORG_PREFIX = "00D"
MASTER_RECORD_TYPE_ID = "012000000000000AAA"


def base62(number: int, width: int, alphabet: str = BASE62) -> str:
    digits = []
    rest = number
    while rest:
        rest, digit = divmod(rest, len(alphabet))
        digits.append(alphabet[digit])
    text = "".join(reversed(digits)).rjust(width, "0")
    if len(text) > width:
        raise ValueError(f"{number} does not fit in {width} digits")
    return text


def case_safe_suffix(id15: str) -> str:
    """The 3 characters that encode, 5 characters at a time, which letters are upper case."""
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << i for i, char in enumerate(id15[start : start + 5]) if char.isupper())
        suffix += SUFFIX_CHARS[bits]
    return suffix


def make_id(key_prefix: str, org_number: int, record_number: int) -> str:
    id15 = key_prefix + base62(org_number, 3) + "0" + base62(record_number, 8, BASE36)
    return id15 + case_safe_suffix(id15)


def org_id_for(org_pk: int) -> str:
    return make_id(ORG_PREFIX, org_pk, 0)


def normalize(value) -> str | None:
    """The 18-character form of a 15- or 18-character Id, or None if it is not a valid Id."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        return None
    id15 = value[:15]
    suffix = case_safe_suffix(id15)
    if len(value) == 18 and value[15:].upper() != suffix:
        return None
    return id15 + suffix


def key_prefix(record_id: str) -> str:
    return record_id[:3]


def next_numbers(org, name: str, count: int) -> range:
    """Reserve `count` consecutive numbers of the org's named sequence."""
    with transaction.atomic():
        Sequence.objects.get_or_create(org=org, name=name)
        Sequence.objects.filter(org=org, name=name).update(value=F("value") + count)
        last = Sequence.objects.values_list("value", flat=True).get(org=org, name=name)
    return range(last - count + 1, last + 1)


def new_ids(org, key_prefix: str, count: int) -> list[str]:
    return [make_id(key_prefix, org.pk, n) for n in next_numbers(org, "record", count)]
