"""Links between cases over JSON: read from both ends by anyone who may read
the case (a case's register entry is public), made and removed by those who
register cases."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.core.errors import DomainError

from . import selectors, services

router = Router(tags=["Diarium"])

LinkKind = Literal["belongs_to", "replaces", "follows", "related"]


class CaseLinkIn(Schema):
    kind: LinkKind = Field(description="belongs_to (hör till), replaces (ersätter), follows (följdärende till) "
                                       "or related; read from this case to the other.")
    other: Id | None = Field(None, description="The other case's id.")
    other_diary_number: str = Field("", max_length=60, description="Or its diary number, however it is typed.")


class CaseLinkOut(Schema):
    id: int
    kind: LinkKind
    label: str = Field(description="How this case reads the link: \"Ersätter\", or from the other end \"Ersatt av\".")
    outgoing: bool = Field(description="Made from this case (false: from the other).")
    case_id: int
    diary_number: str
    title: str


def _out(user, case) -> list[dict]:
    return [{"id": link.link_id, "kind": link.kind, "label": link.label, "outgoing": link.outgoing,
             "case_id": link.case.pk, "diary_number": link.case.diary_number, "title": link.title}
            for link in selectors.case_links(user=user, case=case)]


@router.get("/cases/{case_id}/links", response={200: list[CaseLinkOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="case_links")
def case_links(request, case_id: Id):
    """The case's links to other cases, from both ends."""
    user = actor(request)
    return _out(user, selectors.case_get(user=user, pk=case_id))


@router.post("/cases/{case_id}/links", response={201: list[CaseLinkOut], **ERRORS}, auth=WRITE,
             url_name="case_link_add")
def case_link_add(request, case_id: Id, payload: CaseLinkIn):
    """Link the case to another of the organisation, by id or by diary number."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    if payload.other is not None:
        other = selectors.case_by_number(organisation_id=case.organisation_id, pk=payload.other)
        if other is None:
            raise DomainError(_("Ärendet finns inte."), field="other")
    else:
        other = selectors.case_by_number(organisation_id=case.organisation_id, text=payload.other_diary_number)
        if other is None and payload.other_diary_number.strip():
            raise DomainError(_("Inget ärende har diarienumret %(number)s.")
                              % {"number": payload.other_diary_number.strip()[:60]}, field="other_diary_number")
    services.case_link_add(actor=user, case=case, other=other, kind=payload.kind)
    return Status(201, _out(user, case))


@router.delete("/cases/{case_id}/links/{link_id}", response={200: list[CaseLinkOut], **ERRORS}, auth=WRITE,
               url_name="case_link_remove")
def case_link_remove(request, case_id: Id, link_id: Id):
    """Remove a link (from either end); the history keeps that it was there."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    services.case_link_remove(actor=user, case=case, link_id=link_id)
    return _out(user, case)
