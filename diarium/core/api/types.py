"""Value types the API's schemas and path parameters share.

Ids and offsets are bounded by the databases' 64-bit integers: a larger number
is the client's error (422 naming the field), never an overflow in SQLite or
PostgreSQL (500). Times of day are local times without a zone offset, and the
OpenAPI schema says so (JSON Schema's `format: time` requires an offset).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_INT = 2**63 - 1  # BIGINT; the largest primary key either database can hold

Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Offset = Annotated[int, Field(ge=0, le=MAX_INT)]

# Numbers as the DecimalFields that keep them (two decimals): SQLite stores a
# larger one as it is, and reading it back then fails.
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Weight = Annotated[Decimal, Field(max_digits=8, decimal_places=2)]


def _local(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise PydanticCustomError("time_zone", "A local time of day, without a zone offset")
    return value


LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"

LocalTime = Annotated[
    dt.time,
    AfterValidator(_local),
    WithJsonSchema({
        "type": "string", "pattern": LOCAL_TIME_PATTERN, "examples": ["13:00:00"],
        "description": "Lokal tid (ISO 8601, tt:mm eller tt:mm:ss) utan tidszon.",
    }),
]
