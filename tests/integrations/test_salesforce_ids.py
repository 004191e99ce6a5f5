import pytest

from integrations.salesforce.ids import case_safe_id

# A real-looking Campaign Id and its 18-character form (the suffix encodes the capitals).
ID15 = "701Hn000001aBcD"
ID18 = "701Hn000001aBcDIAU"


def test_a_15_character_id_gets_its_suffix():
    assert case_safe_id(ID15) == ID18
    assert len(case_safe_id(ID15)) == 18
    assert case_safe_id(ID15)[:15] == ID15


def test_an_18_character_id_keeps_its_case_whatever_it_was_typed_in():
    right = case_safe_id(ID15)
    assert case_safe_id(right.lower()) == right
    assert case_safe_id(right.upper()) == right
    assert case_safe_id(f"  {right}  ") == right


@pytest.mark.parametrize(
    "value",
    ["", "701", "701Hn000001aBcD1", "701Hn000001aBcD-AX", "701Hn000001aBcD999", None, 701],
)
def test_what_is_not_an_id(value):
    assert case_safe_id(value) is None


def test_a_suffix_that_makes_a_digit_a_capital_is_no_id():
    # "Z" in the first place of the suffix is 25: bits 0, 3 and 4, and "7" (the first
    # character) cannot be a capital.
    assert case_safe_id("701hn000001abcdZAA") is None
