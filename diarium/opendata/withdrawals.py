"""Recording OParl objects that leave the public data (see models.Withdrawal).

The domain apps know nothing of OParl: these receivers look at what the
database holds just before a change (is this file, paper, membership, person
or agenda item published now?) and record a withdrawal right after it, in the
same transaction. When secrecy is lifted, the withdrawals of what is public
again are marked restored.

What leaves the public data in Diarium:
- a document marked secret: its files and, if it is an officer's report, the paper;
- a new version of a file: the previous version (OParl File ids are versions);
- a membership, person or agenda item deleted (in the admin).

OParl 1.1 (2-08) also wants the `modified` of every object the withdrawn one
was embedded in to change: a membership's person and an organisation's other
objects take the organisation's latest withdrawal (oparl.org_stamps); the
meetings and papers that embedded an agenda item or a supporting file are
recorded here (EmbeddedChange).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from diarium.accounts.models import Person
from diarium.decisions import access as decisions_access
from diarium.decisions.models import AgendaItem, Membership
from diarium.registry import access as registry_access
from diarium.registry.models import Document, DocumentFile

from .models import EmbeddedChange, Withdrawal

_PENDING = "_oparl_pending"  # attribute on the instance between the pre and post signals


def _public_of_document(document_id: int, org_id: int) -> list[tuple[str, int, object]]:
    """(kind, id, created) of the files and papers of one document that OParl publishes now."""
    from .oparl import querysets as oparl

    out = [("file", f.pk, f.oparl_created) for f in oparl.qs_file(None, org_id).filter(document_id=document_id)]
    out += [("paper", p.pk, p.oparl_created) for p in oparl.qs_paper(None, org_id).filter(document_id=document_id)]
    return out


def withdraw(org_id: int, objects, *, embedded_in=()) -> None:
    """Record objects that left the public data; `embedded_in`: the (kind, id) of
    the meetings and papers they were embedded in."""
    now = timezone.now()
    for kind, pk, created in objects:
        Withdrawal.objects.update_or_create(
            kind=kind, object_id=pk,
            defaults={"organisation_id": org_id, "created": created, "withdrawn_at": now, "restored_at": None})
    if objects:
        _touch(embedded_in, now)


def restore(objects, *, embedded_in=()) -> None:
    now = timezone.now()
    restored = 0
    for kind, pk, _created in objects:
        restored += Withdrawal.objects.filter(kind=kind, object_id=pk, restored_at__isnull=True).update(restored_at=now)
    if restored:
        _touch(embedded_in, now)


def _touch(embedded_in, now) -> None:
    for kind, pk in set(embedded_in):
        EmbeddedChange.objects.update_or_create(kind=kind, object_id=pk, defaults={"changed_at": now})


def _embedding_document(document_id: int) -> Iterator[tuple[str, int]]:
    """The published meetings with this document on an agenda item (its files are
    embedded there as auxiliaryFile). A generator: read only by _touch, when
    something did leave or come back."""
    meetings = decisions_access.public_meetings().filter(items__supporting_documents=document_id)
    for pk in meetings.values_list("pk", flat=True).distinct():
        yield "meeting", pk


# --- documents: secrecy marked or lifted --------------------------------------------------------
def _document_pre_save(sender, instance: Document, **kwargs):
    if instance._state.adding or not instance.pk:
        return
    was_secret = registry_access.public_documents().filter(pk=instance.pk).values_list("is_secret", flat=True).first()
    if was_secret is None or bool(was_secret) == bool(instance.is_secret):
        return
    org_id = instance.case.organisation_id
    before = _public_of_document(instance.pk, org_id) if instance.is_secret else []
    setattr(instance, _PENDING, (org_id, before))


def _document_post_save(sender, instance: Document, created, **kwargs):
    pending = getattr(instance, _PENDING, None)
    if pending is None:
        return
    delattr(instance, _PENDING)
    org_id, before = pending
    now_public = _public_of_document(instance.pk, org_id)
    if instance.is_secret:
        still = {(k, pk) for k, pk, _c in now_public}
        withdraw(org_id, [o for o in before if (o[0], o[1]) not in still],
                 embedded_in=_embedding_document(instance.pk))
    else:
        restore(now_public, embedded_in=_embedding_document(instance.pk))


# --- files: a new version replaces the published one -------------------------------------------
def _file_pre_save(sender, instance: DocumentFile, **kwargs):
    if not instance._state.adding or (instance.version or 1) <= 1:
        return  # a first version replaces nothing
    org_id = (registry_access.public_documents().filter(pk=instance.document_id)
              .values_list("case__organisation_id", flat=True).first())
    if org_id is None:
        return
    before = [o for o in _public_of_document(instance.document_id, org_id) if o[0] == "file"]
    setattr(instance, _PENDING, (org_id, before))


def _file_post_save(sender, instance: DocumentFile, created, **kwargs):
    pending = getattr(instance, _PENDING, None)
    if pending is None:
        return
    delattr(instance, _PENDING)
    org_id, before = pending
    still = {pk for kind, pk, _c in _public_of_document(instance.document_id, org_id) if kind == "file"}
    withdraw(org_id, [o for o in before if o[1] not in still], embedded_in=_embedding_document(instance.document_id))


# --- deletions in the admin -------------------------------------------------------------------
def _deleted_objects(instance) -> tuple[int, list, list] | None:
    """(organisation, what was published, the meetings and papers it was embedded in)."""
    from .oparl import querysets as oparl

    if isinstance(instance, Membership):
        org_id = instance.organ.organisation_id
        return org_id, [("membership", instance.pk, oparl.org_stamps(org_id)[0])], []
    if isinstance(instance, Person):
        if not decisions_access.people_with_seats().filter(pk=instance.pk).exists():
            return None  # never published
        return instance.organisation_id, [("person", instance.pk, oparl.org_stamps(instance.organisation_id)[0])], []
    if isinstance(instance, AgendaItem):
        meeting = decisions_access.public_meetings().filter(pk=instance.meeting_id).first()
        if meeting is None:
            return None  # never published
        objs = [("agendaItem", instance.pk, meeting.created_at)]
        embedded_in = [("meeting", meeting.pk)]
        if instance.proposal_id:
            objs.append(("consultation", instance.pk, meeting.created_at))
            # the consultation was embedded in its paper (the reports of the item's case)
            papers = oparl.qs_paper(None, meeting.organisation_id).filter(case_id=instance.case_id)
            embedded_in += [("paper", pk) for pk in papers.values_list("pk", flat=True)]
        return meeting.organisation_id, objs, embedded_in
    return None


def _pre_delete(sender, instance, **kwargs):
    found = _deleted_objects(instance)
    if found is not None:
        setattr(instance, _PENDING, found)


def _post_delete(sender, instance, **kwargs):
    pending = getattr(instance, _PENDING, None)
    if pending is not None:
        org_id, objects, embedded_in = pending
        withdraw(org_id, objects, embedded_in=embedded_in)


def connect() -> None:
    pre_save.connect(_document_pre_save, sender=Document, dispatch_uid="oparl-document-pre")
    post_save.connect(_document_post_save, sender=Document, dispatch_uid="oparl-document-post")
    pre_save.connect(_file_pre_save, sender=DocumentFile, dispatch_uid="oparl-file-pre")
    post_save.connect(_file_post_save, sender=DocumentFile, dispatch_uid="oparl-file-post")
    for model in (Membership, Person, AgendaItem):
        pre_delete.connect(_pre_delete, sender=model, dispatch_uid=f"oparl-{model.__name__}-pre-delete")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=f"oparl-{model.__name__}-post-delete")
