"""Who may create, edit and follow up a steering document, who reads its
working copy, and what the public sees of it: decided here, and only here.

The public reads a plan once a version of it is adopted; staff of the plan's
case read the working copy and everything else."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.core.errors import NotFound, PermissionDenied
from diarium.registry.models import Case

from .models import Action, FocusArea, FollowUpRound, Goal, PlanVersion, SteeringDocument


def can_create(user, case: Case) -> bool:
    """Those who register documents in a case draw up its steering documents."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_manage(user, document: SteeringDocument) -> bool:
    """Those who handle the plan's case edit the plan and run its follow-ups."""
    case = document.case
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_read_internal(user, document: SteeringDocument) -> bool:
    case = document.case
    return roles.can(user, roles.READ_INTERNAL, organisation_id=case.organisation_id, organ_id=case.organ_id)


def require_create(user, case: Case) -> None:
    if not can_create(user, case):
        raise PermissionDenied(_("Du har inte behörighet att skapa styrdokument i ärendet."))


def require_manage(user, document: SteeringDocument, message: str | None = None) -> None:
    if not can_manage(user, document):
        raise PermissionDenied(message or _("Du har inte behörighet att ändra styrdokumentet."))


def require_read_internal(user, document: SteeringDocument, message: str) -> None:
    if not can_read_internal(user, document):
        raise PermissionDenied(message)


# --- what the public sees ---------------------------------------------------------------
def plan_visible(user, document: SteeringDocument) -> bool:
    """The public reads a plan once a version is adopted (as a condition:
    public_plan_q); staff of the case always."""
    return document.versions.exists() or can_read_internal(user, document)


def plan_get(*, user, pk: int) -> SteeringDocument:
    """A steering document the user may read; others are not found."""
    document = SteeringDocument.objects.select_related(
        "case", "case__organisation", "owner_organ", "process_owner", "adopted_by", "adopted_by__organ",
        "adopted_by__meeting", "parent").filter(pk=pk).first()
    if document is None or not plan_visible(user, document):
        raise NotFound(_("Styrdokumentet finns inte."))
    return document


def plan_manage_get(*, user, pk: int) -> SteeringDocument:
    """A steering document the user edits (fetched and checked in one step)."""
    document = plan_get(user=user, pk=pk)
    require_manage(user, document)
    return document


def follow_up_get(*, user, pk: int) -> FollowUpRound:
    """A follow-up of a plan the user may read; others are not found."""
    round_ = FollowUpRound.objects.select_related("document", "document__case", "report_document").filter(
        pk=pk).first()
    if round_ is None or not plan_visible(user, round_.document):
        raise NotFound(_("Uppföljningen finns inte."))
    return round_


def follow_up_manage_get(*, user, pk: int) -> FollowUpRound:
    """A follow-up the user runs (fetched and checked in one step)."""
    round_ = follow_up_get(user=user, pk=pk)
    require_manage(user, round_.document, _("Du har inte behörighet att hantera uppföljningen."))
    return round_


# --- what the public reads: the rows ----------------------------------------------------------
# The public reads a plan's adopted versions (PlanVersion.snapshot, internal notes
# left out), the latest as the plan; never the working copy (the live focus areas,
# goals and actions), which staff of the plan's case read. Every output takes its
# plans from here and may narrow them, never widen them.
def public_plan_q():
    """plan_visible for the public as a condition on steering documents: a
    version of it is adopted."""
    return Exists(PlanVersion.objects.filter(document=OuterRef("pk")))


def public_plans() -> QuerySet[SteeringDocument]:
    """Steering documents with an adopted version."""
    return SteeringDocument.objects.filter(public_plan_q())


def plans_with_public_flag() -> QuerySet[SteeringDocument]:
    """Every steering document, each with `public` (public_plans' rule): for an
    output that serves every reader at once and leaves the rest to their rights
    (the search projection's audience tiers)."""
    return SteeringDocument.objects.annotate(public=ExpressionWrapper(public_plan_q(), output_field=BooleanField()))


def public_versions() -> QuerySet[PlanVersion]:
    """The adopted versions, each public as adopted; the latest one is the plan
    as the public reads it."""
    return PlanVersion.objects.all()


def working_copy(document_ids) -> tuple[QuerySet[FocusArea], QuerySet[Goal], QuerySet[Action]]:
    """The live focus areas, goals and actions of these plans, internal notes
    included: read by staff of the plan's case (can_read_internal), never by the
    public, which reads public_versions."""
    return (FocusArea.objects.filter(document_id__in=document_ids),
            Goal.objects.filter(focus_area__document_id__in=document_ids),
            Action.objects.filter(goal__focus_area__document_id__in=document_ids))
