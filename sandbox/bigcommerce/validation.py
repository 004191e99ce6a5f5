"""Checks of request bodies, collecting errors keyed the way the v3 API names fields."""

from decimal import Decimal, InvalidOperation

from sandbox.bigcommerce.api import ApiError

MISSING = "error.path.missing"
TOO_MANY = "The request payload is too large. The maximum items allowed in the array is {}."


def batch(data, limit: int) -> list[dict]:
    """The items of a batch body: a non-empty list of objects, at most `limit` of them."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data or not all(isinstance(i, dict) for i in data):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.array"})
    if len(data) > limit:
        raise ApiError(413, TOO_MANY.format(limit))
    return data


def body_object(data) -> dict:
    if not isinstance(data, dict):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.object"})
    return data


class Errors(dict):
    """Field errors of one request; `prefix` names the item of a batch ("0.email")."""

    def missing(self, data: dict, names, prefix: str = "") -> None:
        for name in names:
            value = data.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self[f"{prefix}{name}"] = MISSING

    def text(self, data: dict, name: str, prefix: str = "", max_length: int = 255) -> None:
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > max_length):
            self[f"{prefix}{name}"] = f"error.type.string (at most {max_length} characters)"

    def number(self, data: dict, name: str, prefix: str = "", minimum: float = 0) -> None:
        value = data.get(name)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self[f"{prefix}{name}"] = "error.type.number"

    def integer(self, data: dict, name: str, prefix: str = "") -> None:
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            self[f"{prefix}{name}"] = "error.type.integer"

    def boolean(self, data: dict, name: str, prefix: str = "") -> None:
        value = data.get(name)
        if value is not None and not isinstance(value, bool):
            self[f"{prefix}{name}"] = "error.type.boolean"

    def raise_if_any(self, title: str = "JSON data is missing or invalid", status: int = 422):
        if self:
            raise ApiError(status, title, dict(self))


def money(value) -> Decimal:
    """A v2 money value (string or number) as a Decimal; ValueError when it is not one."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount


def money_text(amount: Decimal | float | int) -> str:
    return f"{Decimal(str(amount)):.4f}"
