"""Who may do what with drawn-up documents: sign a registered document, and
follow a generation batch. Selectors, services, views and the API ask these."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.core.errors import NotFound, PermissionDenied
from diarium.decisions.models import Meeting

from .models import GenerationBatch


def can_sign(user, document) -> bool:
    """Those who register documents in the case mark its documents signed."""
    case = document.case
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def batch_organ_id(batch: GenerationBatch) -> int | None:
    """The organ whose work the batch is (a meeting's excerpts: the meeting's
    organ), so that staff with a role on that organ alone may follow it."""
    if batch.kind == GenerationBatch.Kind.MEETING_EXCERPTS and batch.subject_id:
        return Meeting.objects.filter(pk=batch.subject_id).values_list("organ_id", flat=True).first()
    return None


def generation_batch_get(*, user, pk: int) -> GenerationBatch:
    """A batch, for those who may read its organisation's internal work."""
    batch = GenerationBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise NotFound(_("Genereringen finns inte."))
    if not roles.can(user, roles.READ_INTERNAL, organisation_id=batch.organisation_id, organ_id=batch_organ_id(batch)):
        raise PermissionDenied(_("Du har inte behörighet att se genereringen."))
    return batch


# --- what the public reads ----------------------------------------------------------------------
def signatures_visible(entry) -> bool:
    """Who signed which version of a document's files is shown with the files
    (they name them): to those who may have them, given the document's entry as
    the register shows it to the reader (registry.selectors.document_get)."""
    return not entry.content_hidden
