"""Rows as JSON and back, the same on every database.

A row travels as a JSON array of its concrete fields' values in the order of
the table's column list (the archive's header names the columns). Each value
is encoded by the internal type of its field (of the field a foreign key
points to, for a key), so that SQLite and PostgreSQL give the same text for
the same data: times in UTC to the microsecond, decimals in plain notation,
bytes in base64, durations in microseconds.

A table's digest is order-free: the sum, modulo 2**256, of the SHA-256 of
each row's canonical JSON (keys of JSON values sorted). It can be computed
while rows stream by in any order, and two tables with the same rows (the
same multiset of rows) have the same digest on any database.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

UTC = dt.timezone.utc
MODULUS = 2**256


def _datetime_encode(value: dt.datetime) -> str:
    if value.tzinfo is None:  # USE_TZ=False: kept as written
        return value.isoformat(timespec="microseconds")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _binary_encode(value) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _duration_encode(value: dt.timedelta) -> int:
    return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds


def _decimal_encode(value) -> str:
    return format(decimal.Decimal(value), "f")


def _float_encode(value):
    return float(value)


_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": _datetime_encode,
    "DateField": lambda v: v.isoformat(),
    "TimeField": lambda v: v.isoformat(timespec="microseconds"),
    "DecimalField": _decimal_encode,
    "BinaryField": _binary_encode,
    "DurationField": _duration_encode,
    "UUIDField": lambda v: str(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))),
    "FloatField": _float_encode,
}

_DECODERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": dt.datetime.fromisoformat,
    "DateField": dt.date.fromisoformat,
    "TimeField": dt.time.fromisoformat,
    "DecimalField": decimal.Decimal,
    "BinaryField": lambda v: base64.b64decode(v.encode("ascii"), validate=True),
    "DurationField": lambda v: dt.timedelta(microseconds=v),
    "UUIDField": uuid.UUID,
    "FloatField": float,
}


def value_type(field) -> str:
    """The internal type that decides a value's form: a key's is its target's."""
    while getattr(field, "is_relation", False) and getattr(field, "target_field", None) is not None:
        field = field.target_field
    return field.get_internal_type()


class RowCodec:
    """Encodes and decodes the rows of one table (its concrete fields, in order)."""

    def __init__(self, fields):
        self.fields = list(fields)
        self.columns = [f.attname for f in self.fields]
        types = [value_type(f) for f in self.fields]
        self.types = types
        self._encoders = [_ENCODERS.get(t) for t in types]
        self._decoders = [_DECODERS.get(t) for t in types]

    def encode(self, values) -> list:
        return [v if v is None or enc is None else enc(v) for v, enc in zip(values, self._encoders, strict=True)]

    def decode(self, row: list) -> list:
        if len(row) != len(self._decoders):
            raise ValueError(f"{len(row)} values for {len(self._decoders)} columns")
        return [v if v is None or dec is None else dec(v) for v, dec in zip(row, self._decoders, strict=True)]


def _normal(value):
    """JSON as PostgreSQL's jsonb gives it back: a float that is a whole
    number compares equal to the integer (jsonb keeps numbers as numeric)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def canonical(row: list, json_columns: tuple[int, ...] = ()) -> bytes:
    """The bytes a row's digest is taken over."""
    if json_columns:
        row = list(row)
        for i in json_columns:
            row[i] = _normal(row[i])
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps(row: list) -> bytes:
    """A row as one line of the archive."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


class TableDigest:
    """Count and order-free digest of a table's encoded rows."""

    def __init__(self, codec: RowCodec):
        self.count = 0
        self._sum = 0
        self._json = tuple(i for i, t in enumerate(codec.types) if t == "JSONField")

    def add(self, encoded_row: list) -> None:
        self.count += 1
        self._sum = (self._sum + int.from_bytes(hashlib.sha256(canonical(encoded_row, self._json)).digest(), "big")
                     ) % MODULUS

    @property
    def hexdigest(self) -> str:
        return f"{self._sum:064x}"

    def as_dict(self) -> dict:
        return {"rows": self.count, "digest": self.hexdigest}
