"""What the register's writes share: a model's own checks (full_clean) turned
into one DomainError with every field's Swedish message."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from diarium.core.errors import errors_from_validation


def model_clean(instance, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise errors_from_validation(exc) from exc
