"""Salesforce record Ids as people type them: 15 case-sensitive characters, or 18 whose last 3
tell the case of the first 15 (so an 18-character Id survives a change of case)."""

import re

SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ID_PATTERN = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")


def case_safe_id(value) -> str | None:
    """The 18-character form of a 15- or 18-character Id, or None if it is not an Id.

    An 18-character Id's case is restored from its suffix, as Salesforce reads it; a suffix
    that no case of the first 15 characters gives makes it no Id."""
    if not isinstance(value, str) or not ID_PATTERN.match(value.strip()):
        return None
    value = value.strip()
    if len(value) == 15:
        return value + _suffix(value)
    restored = _with_case(value[:15], value[15:].upper())
    return None if restored is None else restored + _suffix(restored)


def _suffix(id15: str) -> str:
    """Three characters, each saying which of 5 characters are capitals (one bit each)."""
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << i for i, char in enumerate(id15[start : start + 5]) if char.isupper())
        suffix += SUFFIX_CHARS[bits]
    return suffix


def _with_case(id15: str, suffix: str) -> str | None:
    chars = []
    for block, code in enumerate(suffix):
        if code not in SUFFIX_CHARS:
            return None
        bits = SUFFIX_CHARS.index(code)
        for i, char in enumerate(id15[block * 5 : block * 5 + 5]):
            upper = bool(bits & (1 << i))
            if upper and not char.isalpha():
                return None
            chars.append(char.upper() if upper else char.lower())
    return "".join(chars)
