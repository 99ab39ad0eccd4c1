"""A plan's adopted versions over JSON: adopting the working copy as the next
version (with the adopting decision, if the reader may see it), every version
with what changed against the one before, and one version as it was adopted.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.core.errors import NotFound
from diarium.decisions import selectors as decisions

from .. import selectors, services
from . import serialise
from .schemas import AdoptIn, PlanVersionDetailOut, PlanVersionOut

router = Router(tags=["Styrdokument och uppföljning"])


@router.post("/plans/{plan_id}/adopt", response={201: PlanVersionOut, **ERRORS}, auth=WRITE, url_name="plan_adopt")
def plan_adopt(request, plan_id: Id, payload: AdoptIn):
    """Freeze the working copy as the next adopted version, optionally with the adopting decision."""
    user = actor(request)
    document = selectors.plan_get(user=actor(request), pk=plan_id)
    decision = decisions.decision_referenced(user=user, pk=payload.decision, field="decision")
    version = services.plan_adopt(actor=user, document=document, decision=decision, note=payload.note)
    rows = serialise.version_rows(user, selectors.versions(document))
    return Status(201, next(r for r in rows if r["number"] == version.number))


@router.get(
    "/plans/{plan_id}/versions",
    response={200: list[PlanVersionOut], **ERRORS},
    auth=PUBLIC_READ,
    url_name="plan_versions",
)
def plan_versions(request, plan_id: Id):
    """Every adopted version, with what changed against the one before
    (actions added, removed, re-budgeted or changed)."""
    user = actor(request)
    return serialise.version_rows(user, selectors.versions(selectors.plan_get(user=actor(request), pk=plan_id)))


@router.get(
    "/plans/{plan_id}/versions/{number}",
    response={200: PlanVersionDetailOut, **ERRORS},
    auth=PUBLIC_READ,
    url_name="plan_version",
)
def plan_version(request, plan_id: Id, number: Id):
    """One adopted version as it was adopted."""
    user = actor(request)
    document = selectors.plan_get(user=actor(request), pk=plan_id)
    versions = selectors.versions(document)
    rows = {r["number"]: r for r in serialise.version_rows(user, versions)}
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise NotFound(_("Versionen finns inte."))
    snap = version.snapshot
    return {
        **rows[number],
        "plan_id": document.pk,
        "snapshot": {
            "title": snap["title"],
            "kind": snap["kind"],
            "period_start": snap["period"][0],
            "period_end": snap["period"][1],
            "weighting": snap["weighting"],
            "focus_areas": serialise.structure(snap),
        },
    }
