"""The only place the search app listens to the domain apps' writes.

Every save and delete of a model whose rows feed a search record writes an
outbox row (PendingChange) for each record it touches, in the same
transaction as the write, and enqueues the task that applies the outbox
(core.tasks.enqueue: inside the transaction for the database queue, so it
commits with the write). Registration, edits, secrecy marked or lifted, new
file versions, meetings moving through their statuses, adjusted minutes,
adopted plans and deletions ("gallring") all reach search this way; nothing
in the domain apps knows about search. Content disposed of (a Blob saved
with the registry's disposal note) takes its kept text (FileText) with it.

Records touched by a write:

- Case: the case; when its diary number or organ changed, also its documents
  (their references), decisions and plans (their place);
- Document, DocumentFile: the document;
- Decision, Correction: the decision;
- Meeting, Minutes: the meeting and its decisions (their visibility follows
  the meeting's); AgendaItem: the meeting;
- SteeringDocument, PlanVersion, FocusArea, Goal, Action: the plan;
- Organ renamed: every record that shows its name.

Queryset update() and bulk_create() send no signals. The domain services use
them only for columns search does not read, with one exception handled in
decisions.access.decisions_public (the meeting status set when minutes are adjusted).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete

from diarium.accounts.models import Organ
from diarium.core.tasks import enqueue
from diarium.decisions.models import AgendaItem, Correction, Decision, Meeting, Minutes
from diarium.plans.models import Action, FocusArea, Goal, PlanVersion, SteeringDocument
from diarium.registry.files import blob_disposed
from diarium.registry.models import Blob, Case, Document, DocumentFile

from .models import FileText, Kind, SearchRecord

_PLAN = "_search_plan_id"  # set on a structure row between pre_delete and post_delete
_CASE_CONTEXT = {"diary_number", "organ", "organ_id", "organisation", "organisation_id"}


def queue(changes) -> None:
    """Outbox rows for `changes` ((kind, id) pairs) and the task that applies them."""
    from . import services
    from .tasks import apply_pending

    if services.changes_queue(changes):
        enqueue(apply_pending)


def _case_saved(sender, instance: Case, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    changes = {(Kind.CASE, instance.pk)}
    if not created and (update_fields is None or _CASE_CONTEXT & set(update_fields)):
        changes |= {(Kind.DOCUMENT, pk) for pk in Document.objects.filter(case_id=instance.pk).values_list(
            "pk", flat=True)}
        changes |= {(Kind.DECISION, pk) for pk in Decision.objects.filter(case_id=instance.pk).values_list(
            "pk", flat=True)}
        changes |= {(Kind.PLAN, pk) for pk in SteeringDocument.objects.filter(case_id=instance.pk).values_list(
            "pk", flat=True)}
    queue(changes)


def _meeting_changes(meeting_id: int) -> set:
    return {(Kind.MEETING, meeting_id)} | {
        (Kind.DECISION, pk) for pk in Decision.objects.filter(meeting_id=meeting_id).values_list("pk", flat=True)}


def _plan_of(instance) -> int | None:
    if isinstance(instance, FocusArea):
        return instance.document_id
    if isinstance(instance, Goal):
        return FocusArea.objects.filter(pk=instance.focus_area_id).values_list("document_id", flat=True).first()
    if isinstance(instance, Action):
        return Goal.objects.filter(pk=instance.goal_id).values_list("focus_area__document_id", flat=True).first()
    return None


def _changes(instance) -> set:
    """Records one saved or deleted row touches (cases and organs aside)."""
    if isinstance(instance, Document):
        return {(Kind.DOCUMENT, instance.pk)}
    if isinstance(instance, DocumentFile):
        return {(Kind.DOCUMENT, instance.document_id)}
    if isinstance(instance, Decision):
        return {(Kind.DECISION, instance.pk)}
    if isinstance(instance, Correction):
        return {(Kind.DECISION, instance.decision_id)}
    if isinstance(instance, Meeting):
        return _meeting_changes(instance.pk)
    if isinstance(instance, Minutes):
        return _meeting_changes(instance.meeting_id)
    if isinstance(instance, AgendaItem):
        return {(Kind.MEETING, instance.meeting_id)}
    if isinstance(instance, SteeringDocument):
        return {(Kind.PLAN, instance.pk)}
    if isinstance(instance, PlanVersion):
        return {(Kind.PLAN, instance.document_id)}
    plan = getattr(instance, _PLAN, None) or _plan_of(instance)
    return {(Kind.PLAN, plan)} if plan else set()


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        queue(_changes(instance))


def _deleting(sender, instance, **kwargs):
    # A plan's structure rows go in cascades: find the plan while the parents still exist.
    setattr(instance, _PLAN, _plan_of(instance))


def _deleted(sender, instance, **kwargs):
    if isinstance(instance, Case):
        queue({(Kind.CASE, instance.pk)})
    else:
        queue(_changes(instance))


def _blob_saved(sender, instance: Blob, raw=False, **kwargs):
    """Content disposed of (gallring, registry.disposal): the text kept of it
    goes with it. The documents it belonged to are re-indexed by their files'
    saves (their file text then leaves them out, registry.access.document_files)."""
    if not raw and blob_disposed(instance):
        FileText.objects.filter(blob_id=instance.pk).delete()


def _organ_saved(sender, instance: Organ, created, raw=False, **kwargs):
    if raw or created:
        return
    from . import services

    label = f"{instance.name} ({instance.code})"
    keys = SearchRecord.objects.filter(organ_id=instance.pk).exclude(organ_label=label).values_list(
        "key", flat=True).distinct()
    queue({parsed for key in keys if (parsed := services.parse_key(key))})


FOLLOWED = (Document, DocumentFile, Decision, Correction, Meeting, Minutes, AgendaItem, SteeringDocument,
            PlanVersion, FocusArea, Goal, Action)


def connect() -> None:
    post_save.connect(_case_saved, sender=Case, dispatch_uid="search-case-saved")
    post_delete.connect(_deleted, sender=Case, dispatch_uid="search-case-deleted")
    post_save.connect(_organ_saved, sender=Organ, dispatch_uid="search-organ-saved")
    post_save.connect(_blob_saved, sender=Blob, dispatch_uid="search-blob-saved")
    for model in FOLLOWED:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-{model.__name__}-saved")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-{model.__name__}-deleted")
    for model in (FocusArea, Goal, Action):
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"search-{model.__name__}-deleting")
