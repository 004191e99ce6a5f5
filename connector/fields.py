from django.db import models

from connector import crypto


class EncryptedTextField(models.TextField):
    """A text column whose value is encrypted at rest; Python code sees plaintext.

    An empty string is stored as an empty string, so "not set" stays visible in the database.
    """

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt(value)

    def value_to_string(self, obj):
        # Dumps and serializers never carry the plaintext.
        return crypto.mask(self.value_from_object(obj))
