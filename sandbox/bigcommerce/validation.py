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
    """Field errors of one request; `prefix` names the item of a batch ("0.email").

    The first error found for a field is the one kept."""

    def missing(self, data: dict, names, prefix: str = "") -> None:
        for name in names:
            value = data.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.setdefault(f"{prefix}{name}", MISSING)

    def text(
        self,
        data: dict,
        name: str,
        prefix: str = "",
        max_length: int | None = 255,
        min_length: int = 0,
    ) -> None:
        value = data.get(name)
        if value is None:
            return
        if not isinstance(value, str) or (max_length is not None and len(value) > max_length):
            limit = f" (at most {max_length} characters)" if max_length is not None else ""
            self.setdefault(f"{prefix}{name}", f"error.type.string{limit}")
        elif len(value) < min_length:
            self.setdefault(f"{prefix}{name}", f"error.minLength (at least {min_length})")

    def number(
        self, data: dict, name: str, prefix: str = "", minimum: float = 0, maximum=None
    ) -> None:
        value = data.get(name)
        if value is None:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value < minimum
            or (maximum is not None and value > maximum)
        ):
            self.setdefault(f"{prefix}{name}", "error.type.number")

    def integer(self, data: dict, name: str, prefix: str = "", minimum=None, maximum=None) -> None:
        value = data.get(name)
        if value is None:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or (minimum is not None and value < minimum)
            or (maximum is not None and value > maximum)
        ):
            self.setdefault(f"{prefix}{name}", "error.type.integer")

    def boolean(self, data: dict, name: str, prefix: str = "") -> None:
        value = data.get(name)
        if value is not None and not isinstance(value, bool):
            self.setdefault(f"{prefix}{name}", "error.type.boolean")

    def choice(self, data: dict, name: str, choices, prefix: str = "") -> None:
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or value not in choices):
            self.setdefault(f"{prefix}{name}", f"error.enum (one of {', '.join(choices)})")

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
