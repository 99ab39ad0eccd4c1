"""OParl 1.1 objects as JSON-ready dicts, one serialiser per type, and TYPES,
which pairs each type's queryset with its serialiser. A serialiser reads only
what its queryset (or embedding.attach) loaded; objects without what a list
page attaches are completed here one by one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from diarium.accounts.models import Organ
from diarium.decisions import access as decisions_access
from diarium.decisions.models import Meeting, Membership
from diarium.registry import access as registry_access

from ..selectors import LICENSE
from .context import ts
from .embedding import items_with_decisions
from .querysets import (
    qs_agendaitem,
    qs_consultation,
    qs_file,
    qs_legislativeterm,
    qs_location,
    qs_meeting,
    qs_membership,
    qs_organization,
    qs_paper,
    qs_person,
    terms,
)

OPARL = "https://schema.oparl.org/1.1/"
ORGAN_TYPE = {  # OParl organizationType
    Organ.Kind.COUNCIL: "Gremium", Organ.Kind.EXECUTIVE_BOARD: "Gremium", Organ.Kind.COMMITTEE: "Gremium",
    Organ.Kind.BOARD: "Gremium", Organ.Kind.COMPANY: "Institution", Organ.Kind.FEDERATION: "Institution",
    Organ.Kind.EXTERNAL: "externes Gremium",
}
MEMBERSHIP_ROLE = {Membership.Role.CHAIR: "Ordförande", Membership.Role.VICE_CHAIR: "Vice ordförande",
                   Membership.Role.MEMBER: "Ledamot", Membership.Role.SUBSTITUTE: "Ersättare"}


def _base(obj, ctx, kind: str, url: str, **fields) -> dict:
    out = {"id": url, "type": OPARL + kind}
    out.update({k: v for k, v in fields.items() if v not in (None, "", [])})
    out["created"] = ts(obj.oparl_created)
    out["modified"] = ts(obj.oparl_modified)
    return out


def ser_body(org, ctx):
    org.oparl_created, org.oparl_modified = ctx.org_stamps(org.pk)
    def lst(name):
        return ctx.list_url(org.pk, name)

    return _base(org, ctx, "Body", ctx.url("body", org.pk), system=ctx.url("system"), name=org.name,
                 shortName=org.slug, organization=lst("organization"), person=lst("person"),
                 meeting=lst("meeting"), paper=lst("paper"), agendaItem=lst("agendaItem"),
                 consultation=lst("consultation"), file=lst("file"), locationList=lst("location"),
                 legislativeTermList=lst("legislativeTerm"), membership=lst("membership"),
                 legislativeTerm=[ser_legislativeterm(t, ctx) for t in terms(ctx, org.pk)],
                 classification="Kommun", license=LICENSE)



def ser_legislativeterm(t, ctx):
    return _base(t, ctx, "LegislativeTerm", ctx.obj("legislativeTerm", t.organisation_id * 10000 + t.pk),
                 body=ctx.url("body", t.organisation_id), name=t.name, startDate=t.start.isoformat(),
                 endDate=t.end.isoformat())


def ser_organization(o, ctx):
    return _base(o, ctx, "Organization", ctx.obj("organization", o.pk),
                 body=ctx.url("body", o.organisation_id), name=o.name, shortName=o.code,
                 organizationType=ORGAN_TYPE.get(o.kind), classification=o.get_kind_display(),
                 subOrganizationOf=ctx.obj("organization", o.parent_id) if o.parent_id else None,
                 meeting=ctx.url("organization_meetings", o.pk))


def ser_membership(m, ctx):
    return _base(m, ctx, "Membership", ctx.obj("membership", m.pk), person=ctx.obj("person", m.person_id),
                 organization=ctx.obj("organization", m.organ_id), role=MEMBERSHIP_ROLE.get(m.role),
                 votingRight=m.role != Membership.Role.SUBSTITUTE, startDate=m.start.isoformat(),
                 endDate=m.end.isoformat() if m.end else None)


def ser_person(p, ctx):
    out = _base(p, ctx, "Person", ctx.obj("person", p.pk), body=ctx.url("body", p.organisation_id),
                name=p.name)  # no e-mail or phone: officials' contact details are not OParl data here
    if not ctx.omit_internal:
        memberships = getattr(p, "oparl_memberships", None)
        if memberships is None:
            memberships = list(qs_membership(ctx, p.organisation_id).filter(person=p).order_by("pk"))
        out["membership"] = [ser_membership(m, ctx) for m in memberships]
    return out


def ser_location(m, ctx):
    return _base(m, ctx, "Location", ctx.obj("location", m.pk), description=m.place,
                 meetings=[ctx.obj("meeting", m.pk)])


def _meeting_dt(m, time):
    if time is None:
        return None
    return dt.datetime.combine(m.date, time, tzinfo=timezone.get_current_timezone())


def ser_meeting(m, ctx):
    state = {Meeting.Status.NOTICE_PUBLISHED: "eingeladen", Meeting.Status.OPENED: "durchgeführt",
             Meeting.Status.CLOSED: "durchgeführt", Meeting.Status.ADJUSTED: "durchgeführt"}.get(m.status)
    out = _base(m, ctx, "Meeting", ctx.obj("meeting", m.pk), name=f"{m.organ.name} {m.date:%Y-%m-%d}",
                meetingState=state, cancelled=False,
                start=ts(_meeting_dt(m, m.start_time)),  # no time recorded: no start (the name carries the date)
                end=ts(_meeting_dt(m, m.end_time)), organization=[ctx.obj("organization", m.organ_id)],
                web=ctx.reverse("decisions:meeting_detail", m.pk))  # = m.get_absolute_url(), reversed once a page
    if not ctx.omit_internal:
        if m.place:
            out["location"] = ser_location(m, ctx)
        items = getattr(m, "oparl_items", None)
        if items is None:
            items = list(items_with_decisions(qs_agendaitem(ctx, m.organisation_id).filter(meeting=m).order_by("position")))
        out["agendaItem"] = [ser_agendaitem(i, ctx) for i in items]
        for field, document in (("invitation", MEETING_INVITATION), ("resultsProtocol", MEETING_PROTOCOL)):
            file = ser_meeting_file(m, document, ctx)
            if file is not None:
                out[field] = file
    return out


# A meeting's drawn-up notice and minutes as OParl Files: their id is the
# meeting's times ten plus the document (as a legislative term's is computed).
MEETING_INVITATION, MEETING_PROTOCOL = 1, 2


def ser_meeting_file(m, document: int, ctx):
    """The meeting's notice (invitation) or adjusted minutes (resultsProtocol) as
    an OParl File, when public (decisions.access), else None. `m` comes from
    qs_meeting, which reads the files' facts through its join."""
    if document == MEETING_INVITATION:
        if not decisions_access.notice_document_public(m.notice_published_at, m.notice_blob_id):
            return None
        kind, name, size, at = "kallelse", "Kallelse med föredragningslista", m.notice_size, m.notice_published_at
    else:
        if not decisions_access.minutes_document_public(m.minutes_adjusted_at, m.minutes_blob):
            return None
        kind, name, size, at = "protokoll", "Protokoll", m.minutes_size, m.minutes_adjusted_at
    url = ctx.reverse("decisions:meeting_document", m.pk, kind)
    return {"id": ctx.obj("meetingFile", m.pk * 10 + document), "type": OPARL + "File",
            "name": f"{name} {m.organ.name} {m.date:%Y-%m-%d}", "fileName": f"{kind}-{m.date:%Y-%m-%d}.pdf",
            "mimeType": "application/pdf", "size": size, "date": timezone.localtime(at).date().isoformat(),
            "accessUrl": url, "downloadUrl": url, "meeting": [ctx.obj("meeting", m.pk)],
            "created": ts(at), "modified": ts(at)}


def ser_agendaitem(i, ctx):
    decisions = getattr(i, "oparl_decisions", [])
    out = _base(i, ctx, "AgendaItem", ctx.obj("agendaItem", i.pk),
                 meeting=ctx.obj("meeting", i.meeting_id), number=str(i.position), order=i.position,
                 name=i.title, public=True,
                 consultation=ctx.obj("consultation", i.pk) if i.proposal_id else None,
                 result="; ".join(d.label for d in decisions) or None,
                 resolutionText="\n\n".join(f"§ {d.paragraph} {d.text}" for d in decisions) or None)
    if not ctx.omit_internal and getattr(i, "oparl_files", None):
        out["auxiliaryFile"] = [ser_file(f, ctx) for f in i.oparl_files]
    return out


def ser_consultation(i, ctx):
    decisions = getattr(i, "oparl_decisions", [])
    report_id = i.oparl_paper_id
    authoritative = None
    if decisions:
        authoritative = not any(d.oparl_forwards for d in decisions)
    return _base(i, ctx, "Consultation", ctx.obj("consultation", i.pk),
                 paper=ctx.obj("paper", report_id) if report_id else None,
                 agendaItem=ctx.obj("agendaItem", i.pk), meeting=ctx.obj("meeting", i.meeting_id),
                 organization=[ctx.obj("organization", i.meeting.organ_id)], authoritative=authoritative,
                 role="Beslut" if authoritative else "Beredning" if authoritative is False else None)


def ser_file(f, ctx):
    document = f.document
    assert not registry_access.content_hidden(document, read_secret=False)
    # OParl 2-07: the accessUrl must not answer with Content-Disposition: attachment.
    download = ctx.reverse("registry:file_download", f.pk)
    return _base(f, ctx, "File", ctx.obj("file", f.pk), name=document.description, fileName=f.filename,
                 mimeType=f.blob.content_type, size=f.blob.size, date=document.document_date.isoformat(),
                 accessUrl=f"{download}?visa=1", downloadUrl=download)


def ser_paper(r, ctx):
    out = _base(r, ctx, "Paper", ctx.obj("paper", r.pk), body=ctx.url("body", r.case.organisation_id),
                name=r.title, reference=r.case.diary_number, date=r.report_date.isoformat(),
                paperType="Tjänsteskrivelse",
                underDirectionOf=[ctx.obj("organization", r.addressed_to_id)])
    if not ctx.omit_internal:
        files = getattr(r, "oparl_files", [])
        if files:
            out["mainFile"] = ser_file(files[0], ctx)
            if files[1:]:
                out["auxiliaryFile"] = [ser_file(f, ctx) for f in files[1:]]
        out["consultation"] = [ser_consultation(c, ctx) for c in getattr(r, "oparl_consultations", [])]
    return out


def ser_deleted(w, ctx):
    """A deleted object as OParl 1.1 keeps it: id, type, created, a new modified, deleted."""
    return {"id": ctx.obj(w.kind, w.object_id), "type": OPARL + w.kind[0].upper() + w.kind[1:],
            "created": ts(w.created), "modified": ts(w.withdrawn_at), "deleted": True}


TYPES = {
    "organization": (qs_organization, ser_organization),
    "person": (qs_person, ser_person),
    "membership": (qs_membership, ser_membership),
    "meeting": (qs_meeting, ser_meeting),
    "agendaItem": (qs_agendaitem, ser_agendaitem),
    "consultation": (qs_consultation, ser_consultation),
    "paper": (qs_paper, ser_paper),
    "file": (qs_file, ser_file),
    "location": (qs_location, ser_location),
    "legislativeTerm": (qs_legislativeterm, ser_legislativeterm),
}
LIST_ONLY = {"body": (None, ser_body)}
