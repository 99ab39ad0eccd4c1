"""Whether anything still refers to a row, before reference data is removed.

Reference data (an organ, a diary number series, a process code) may be
removed only while nothing uses it: no case, document, role, person or
meeting points at it. Django's delete collector knows every relation; this
asks it what a delete would touch, without deleting. The row's own
many-to-many links (a series' organs) belong to the row and do not count.
"""

from __future__ import annotations

from django.db import router
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector


def _own_links(instance) -> set[type]:
    """The through models of the many-to-many fields declared on the instance's model."""
    return {f.remote_field.through for f in instance._meta.local_many_to_many if f.remote_field.through}


def in_use(instance) -> bool:
    """True when deleting `instance` would delete, change or be refused by another row."""
    collector = Collector(using=router.db_for_write(type(instance), instance=instance))
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError):
        return True
    own = _own_links(instance)
    for model, rows in collector.data.items():
        if any(row is not instance and not (model is type(instance) and row.pk == instance.pk) for row in rows):
            return True
    for qs in collector.fast_deletes:
        if qs.model not in own and qs.exists():
            return True
    for updates in collector.field_updates.values():
        for objs in updates:  # querysets or lists of rows whose foreign key would be set to null
            if objs.exists() if hasattr(objs, "exists") else bool(objs):
                return True
    return False
