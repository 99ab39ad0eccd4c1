"""Input limits shared by the web forms, the API and the services.

Each app defines the limit of each free-text field once, as a constant in its
models.py (`CASE_DESCRIPTION_MAX = 20_000`), and uses it in the model field
(CharField max_length, or `validators=text_limit(n)` on a TextField), the form
field (`LimitedCharField(max_length=...)`) and the ninja schema
(`Field(max_length=...)`, shown as `maxLength` in the OpenAPI schema). Every
path says the same thing: "Högst N tecken." (the API's string_too_long, see
diarium/core/api/errors.py).

Dates follow one rule as well: ISO 8601 `ÅÅÅÅ-MM-DD` with two-digit month and
day, nothing else, in forms (`IsoDateField`) and the API (`IsoDate`). A date
that records something that happened (a document's date, an answer's arrival)
cannot lie after today or before DIARIUM_EARLIEST_DATE (default 1900-01-01):
`PastIsoDateField`, `PastIsoDate` and, in the services, `past_date_errors`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Annotated

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from .errors import DomainError

TOO_LONG = gettext_lazy("Högst %(limit_value)s tecken.")
DATE_FORMAT = gettext_lazy("Ange datum som ÅÅÅÅ-MM-DD.")

# The ninja error handler (diarium/core/api/errors.py) shows this kind's message as is.
MESSAGE_ERROR = "diarium_message"


# --- text -------------------------------------------------------------------------------------
def too_long(limit: int) -> str:
    return _("Högst %(limit_value)s tecken.") % {"limit_value": limit}


def text_limit(limit: int) -> list[MaxLengthValidator]:
    """Validators for a TextField: Django checks a TextField's max_length
    nowhere, and the validator leaves the column as it is (no migration that
    touches the table)."""
    return [MaxLengthValidator(limit)]


class LimitedCharField(forms.CharField):
    """A form's text field that says "Högst N tecken." when over its
    max_length, the same words as the API."""

    default_error_messages = {"max_length": TOO_LONG}


def field_limit(model, name: str) -> int | None:
    """The most characters a model field takes: its max_length, or that of
    its MaxLengthValidator (text_limit)."""
    field = model._meta.get_field(name)
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    if field.max_length:
        limits.append(field.max_length)
    return min(limits) if limits else None


def length_errors(values: Mapping[str, tuple[object, int]]) -> dict[str, list[str]]:
    """{name: ["Högst N tecken."]} for each value (name: (value, limit)) that is too long."""
    return {name: [too_long(limit)] for name, (value, limit) in values.items()
            if isinstance(value, str) and len(value) > limit}


def check_lengths(values: Mapping[str, tuple[object, int]]) -> None:
    """Refuse over-long text with every field's error at once."""
    errors = length_errors(values)
    if errors:
        raise DomainError(_("Texten är för lång: %(error)s") % {"error": next(iter(errors.values()))[0]},
                          errors=errors)


def check_instance(instance, names: Mapping[str, str] | Iterable[str] | None = None) -> None:
    """Refuse an instance whose text fields are over their limits, before it is
    saved; `names` maps a model field to the field name the caller's form or
    API uses (default: every text field, under its own name)."""
    model = type(instance)
    if names is None:
        names = [f.name for f in model._meta.concrete_fields
                 if f.get_internal_type() in {"CharField", "TextField"}]
    if not isinstance(names, Mapping):
        names = {name: name for name in names}
    values = {}
    for field_name, shown in names.items():
        limit = field_limit(model, field_name)
        if limit is not None:
            values[shown] = (getattr(instance, field_name), limit)
    check_lengths(values)


# --- files ----------------------------------------------------------------------------------
def max_upload_bytes() -> int:
    """DIARIUM_MAX_UPLOAD_BYTES: the largest file one may upload (100 MiB by default)."""
    return int(getattr(settings, "DIARIUM_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))


# --- dates ------------------------------------------------------------------------------------
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def earliest_date() -> dt.date:
    """DIARIUM_EARLIEST_DATE: the earliest date a record of something that
    happened may carry (a date or an ISO string; default 1900-01-01)."""
    value = getattr(settings, "DIARIUM_EARLIEST_DATE", dt.date(1900, 1, 1))
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def past_date_errors(value: dt.date | None, *, today: dt.date | None = None) -> list[str]:
    """Why `value` cannot be the date of something that happened (empty: it can)."""
    if value is None:
        return []
    if value > (today or timezone.localdate()):
        return [_("Datumet kan inte ligga i framtiden.")]
    floor = earliest_date()
    if value < floor:
        return [_("Datumet kan inte vara tidigare än %(date)s.") % {"date": floor.isoformat()}]
    return []


class IsoDateField(forms.DateField):
    """A form's date: ÅÅÅÅ-MM-DD and nothing else, as in the API."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": DATE_FORMAT}

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not _ISO_DATE.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PastIsoDateField(IsoDateField):
    """The date of something that happened: not after today, not implausibly old."""

    def validate(self, value):
        super().validate(value)
        errors = past_date_errors(value)
        if errors:
            raise forms.ValidationError(errors, code="implausible")


def _iso_date_input(value):
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
        raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")
    if isinstance(value, (int, float)):  # pydantic would read a number as a Unix time
        raise PydanticCustomError("date_type", "Input should be a date as YYYY-MM-DD")
    return value.strip() if isinstance(value, str) else value


def _past_date(value: dt.date) -> dt.date:
    errors = past_date_errors(value)
    if errors:
        raise PydanticCustomError(MESSAGE_ERROR, "{message}", {"message": errors[0]})
    return value


# The API's dates (format: date in the OpenAPI schema).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_input)]
PastIsoDate = Annotated[dt.date, BeforeValidator(_iso_date_input), AfterValidator(_past_date)]


def is_email(value: str) -> bool:
    """Whether a text is an e-mail address the register would send to (Django's validator, as the forms use)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
