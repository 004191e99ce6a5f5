"""Encryption of stored credentials, and how secrets are shown to people.

Keys come from settings.FIELD_ENCRYPTION_KEYS: the first encrypts, every key decrypts, so keys
can be rotated without downtime (add a key in front, run `manage.py rotate_secrets`, drop the old).
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

MASK = "••••"


class SecretDecryptionError(Exception):
    """A stored secret cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    # settings.py has checked that each key is a valid Fernet key.
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    if plaintext == "":
        return ""
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if token == "":
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretDecryptionError(
            "A stored secret cannot be decrypted: the key that encrypted it is not in "
            "FIELD_ENCRYPTION_KEYS."
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the first key (it may have been encrypted with any key)."""
    if token == "":
        return ""
    return _current().rotate(token.encode()).decode()


def mask(secret: str) -> str:
    """What a page may show of a secret: that it is set, and its last 4 characters if long."""
    if not secret:
        return ""
    if "PRIVATE KEY-----" in secret:
        return f"{MASK} PEM private key"  # its last characters are the armour's dashes
    return MASK + secret[-4:] if len(secret) >= 12 else MASK
