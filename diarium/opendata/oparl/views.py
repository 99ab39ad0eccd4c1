"""The OParl 1.1 endpoints: System, the Body list and each Body, a Body's
object lists, an Organization's meetings and any single object (or, once
published and gone, its deleted stub)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from diarium.accounts import access as accounts_access
from diarium.accounts.sites import on_site, site_organisation
from diarium.decisions import access as decisions_access
from diarium.registry import access as registry_access

from ..models import Withdrawal
from ..selectors import LICENSE
from .context import Ctx, ts
from .embedding import attach
from .http import conditional, error, json_response, list_page
from .querysets import BASES, EPOCH, base_meeting, qs_meeting, terms
from .serializers import (
    MEETING_INVITATION,
    MEETING_PROTOCOL,
    OPARL,
    TYPES,
    ser_body,
    ser_deleted,
    ser_legislativeterm,
    ser_meeting_file,
)

ANONYMOUS = AnonymousUser()


def _bodies(request):
    """The bodies this site publishes: every public organisation on the shared
    service, on an organisation's own site that one alone."""
    qs = accounts_access.public_organisations()
    site = site_organisation(request)
    return qs.filter(pk=site.pk) if site is not None else qs


@conditional
def system(request):
    ctx = Ctx(request)
    site = site_organisation(request)
    stamps = [ctx.org_stamps(site.pk)] if site is not None else list(ctx.all_org_stamps().values())
    created = min((s[0] for s in stamps), default=EPOCH)
    modified = max((s[1] for s in stamps), default=EPOCH)
    return json_response({"id": ctx.url("system"), "type": OPARL + "System", "oparlVersion": "https://schema.oparl.org/1.1/",
                  "body": ctx.url("body_list"), "name": "Diarium", "website": request.build_absolute_uri("/"),
                  "license": LICENSE,
                  "created": ts(created), "modified": ts(modified)})


@conditional
def body_list(request):
    ctx = Ctx(request)
    orgs = list(_bodies(request).order_by("pk"))
    stamps = ctx.all_org_stamps() if site_organisation(request) is None else {}
    for o in orgs:
        o.oparl_created, o.oparl_modified = stamps.get(o.pk) or ctx.org_stamps(o.pk)
    return list_page(request, ctx, "body", orgs, None)


@conditional
def body(request, pk: int):
    ctx = Ctx(request)
    org = _bodies(request).filter(pk=pk).first()
    if org is None:
        return error(404, "Finns inte.")
    return json_response(ser_body(org, ctx))


@conditional
def body_sublist(request, pk: int, kind: str):
    ctx = Ctx(request)
    if kind not in TYPES or not _bodies(request).filter(pk=pk).exists():
        return error(404, "Finns inte.")
    if kind == "legislativeTerm":
        return list_page(request, ctx, kind, terms(ctx, pk), pk)
    return list_page(request, ctx, kind, TYPES[kind][0](ctx, pk), pk, base=BASES[kind](pk))


@conditional
def organization_meetings(request, pk: int):
    ctx = Ctx(request)
    organ = accounts_access.public_organs().filter(pk=pk).first()
    if organ is None or not on_site(request, organ.organisation_id):
        return error(404, "Finns inte.")
    return list_page(request, ctx, "meeting", qs_meeting(ctx, organ.organisation_id).filter(organ=organ),
                 organ.organisation_id, base=base_meeting(organ.organisation_id).filter(organ=organ),
                 key=f"meeting:{organ.organisation_id}:organ:{organ.pk}")


def _org_of(kind, pk):
    """The organisation of a public object (whether OParl lists it is tested by the
    kind's queryset), or None."""
    lookups = {
        "organization": lambda: accounts_access.public_organs().values_list("organisation_id", flat=True),
        "person": lambda: accounts_access.public_people().values_list("organisation_id", flat=True),
        "membership": lambda: decisions_access.public_memberships().values_list(
            "organ__organisation_id", flat=True),
        "meeting": lambda: decisions_access.public_meetings().values_list("organisation_id", flat=True),
        "location": lambda: decisions_access.public_meetings().values_list("organisation_id", flat=True),
        "agendaItem": lambda: decisions_access.public_agenda_items().values_list(
            "meeting__organisation_id", flat=True),
        "consultation": lambda: decisions_access.public_agenda_items().values_list(
            "meeting__organisation_id", flat=True),
        "paper": lambda: decisions_access.public_officer_reports().values_list("case__organisation_id", flat=True),
        "file": lambda: registry_access.public_files().values_list("document__case__organisation_id", flat=True),
    }
    return lookups[kind]().filter(pk=pk).first()


@conditional
def obj(request, kind: str, pk: int):
    ctx = Ctx(request)
    if kind == "legislativeTerm":
        org_id, year = divmod(pk, 10000)
        found = [t for t in terms(ctx, org_id)
                 if t.pk == year and _bodies(request).filter(pk=org_id).exists()]
        if not found:
            return error(404, "Finns inte.")
        return json_response(ser_legislativeterm(found[0], ctx))
    if kind == "meetingFile":
        meeting_pk, document = divmod(pk, 10)
        org_id = _org_of("meeting", meeting_pk)
        org_id = org_id if on_site(request, org_id) else None
        meetings = list(qs_meeting(ctx, org_id).filter(pk=meeting_pk)) if org_id is not None else []
        file = ser_meeting_file(meetings[0], document, ctx) if meetings and document in (
            MEETING_INVITATION, MEETING_PROTOCOL) else None
        return json_response(file) if file is not None else error(404, "Finns inte.")
    if kind not in TYPES:
        return error(404, "Finns inte.")
    org_id = _org_of(kind, pk)
    if org_id is not None and not on_site(request, org_id):
        return error(404, "Finns inte.")  # another organisation's: not on this site
    found = attach(kind, list(TYPES[kind][0](ctx, org_id).filter(pk=pk)), ctx, org_id) if org_id is not None else []
    if not found:
        # Not published now: a deleted object if it was published once, else nothing.
        gone = Withdrawal.objects.filter(kind=kind, object_id=pk, restored_at__isnull=True).first()
        return json_response(ser_deleted(gone, ctx)) if gone is not None else error(404, "Finns inte.")
    if kind in ("meeting", "location", "agendaItem", "consultation"):
        meeting = found[0] if kind in ("meeting", "location") else found[0].meeting
        if not decisions_access.meeting_visible(ANONYMOUS, meeting):
            return error(404, "Finns inte.")
    return json_response(TYPES[kind][1](found[0], ctx))
