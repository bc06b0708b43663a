"""A fixed-length bit string: ``bit(n)`` on PostgreSQL (``&`` and ``bit_count`` in SQL), text elsewhere.

The Python value is an ``int`` whose bit *i* is character *i* of the stored string.
"""

from __future__ import annotations

from django.db import models


def int_to_bitstring(value: int, length: int) -> str:
    return format(value, f"0{length}b")[::-1]


def bitstring_to_int(text: str) -> int:
    return int(text[::-1], 2) if text else 0


class BitStringField(models.Field):
    description = "Fixed-length bit string"

    def __init__(self, *args, length: int, **kwargs):
        self.length = length
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["length"] = self.length
        return name, path, args, kwargs

    def db_type(self, connection) -> str:
        return f"bit({self.length})" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        return None if value is None else bitstring_to_int(str(value))

    def to_python(self, value):
        if value is None or isinstance(value, int):
            return value
        return bitstring_to_int(str(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        return int_to_bitstring(int(value), self.length)
