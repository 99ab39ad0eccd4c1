"""OParl 1.1 API over the public data (https://oparl.org/spezifikation/).

System → Body (one per organisation) → Organization (organs), Person (people
holding seats), Membership, LegislativeTerm, Meeting (public once the notice is
published), AgendaItem (result and resolution text only once the minutes are
adjusted), Paper (an officer's report on an agenda of a public meeting),
Consultation (an agenda item treating a proposal: the chain KSAU → KS → KF),
File (latest version of each file of a non-secret supporting document or
report) and Location (the place of a meeting, one per meeting).

Choices, documented:
- LegislativeTerm: the Swedish election terms 2014–2018, 2018–2022 and
  2022–2026, each from 15 October, the same for every organisation.
- Timestamps: objects without stored timestamps (Body, Organization, Person,
  Membership, LegislativeTerm) take `created` from the organisation's first
  stored record and `modified` from its latest change (events and meeting
  steps); an agenda item, consultation and location take its meeting's; a
  meeting's `modified` is its latest step (notice, opening, closing, minutes
  adjusted); a paper's is the latest event of its case.
- Deleted objects: registered documents and decisions are never deleted, but
  published objects can leave the public data: a file whose document is marked
  secret or gets a newer version, a paper whose report is marked secret, a
  membership, person or agenda item deleted in the admin. Each is recorded as a
  Withdrawal (withdrawals.py) and served under its id with `deleted: true`,
  its `created` and the time it left as `modified`; lists show them after the
  live objects, only when `modified_since` is given. A file published again
  (secrecy lifted) is live again with that time as its `modified`. The objects
  that embedded one that left or came back are modified then too (OParl 2-08):
  its meetings and papers (models.EmbeddedChange), and for a membership the
  objects stamped with the organisation's times.
- Pages: 100 objects (DIARIUM_OPARL_PAGE_SIZE); a client may ask for fewer
  with `limit`, which the `links` keep like the filters.
- Caching: every 200 answer is public for a minute, with an ETag from the body
  and Last-Modified from the newest `modified` in it.
- `omit_internal`: embedded objects that are also published in their own list
  (agenda items, locations, consultations, files, memberships) are left out;
  Body.legislativeTerm stays, as the schema requires it.
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from collections.abc import Callable
from functools import lru_cache, wraps
from types import SimpleNamespace
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import DateTimeField, Exists, F, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date

from diarium.accounts.models import Organ, Organisation, Person
from diarium.decisions import selectors
from diarium.decisions.models import (
    AgendaItem,
    Decision,
    Meeting,
    Membership,
    OfficerReport,
    Proposal,
)
from diarium.registry import access as registry_access
from diarium.registry.models import Case, DocumentFile, Event

from .models import EmbeddedChange, Withdrawal
from .selectors import LICENSE, url_for_ids

OPARL = "https://schema.oparl.org/1.1/"
PAGE_SIZE = 100
EPOCH = dt.datetime(2014, 10, 15, tzinfo=dt.timezone.utc)  # before any data, when an organisation has none
TERMS = [(2014, 2018), (2018, 2022), (2022, 2026)]
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
ANONYMOUS = AnonymousUser()
ORGAN_TYPE = {  # OParl organizationType
    Organ.Kind.COUNCIL: "Gremium", Organ.Kind.EXECUTIVE_BOARD: "Gremium", Organ.Kind.COMMITTEE: "Gremium",
    Organ.Kind.BOARD: "Gremium", Organ.Kind.COMPANY: "Institution", Organ.Kind.FEDERATION: "Institution",
    Organ.Kind.EXTERNAL: "externes Gremium",
}
MEMBERSHIP_ROLE = {Membership.Role.CHAIR: "Ordförande", Membership.Role.VICE_CHAIR: "Vice ordförande",
                   Membership.Role.MEMBER: "Ledamot", Membership.Role.SUBSTITUTE: "Ersättare"}


def _page_size() -> int:
    return int(getattr(settings, "DIARIUM_OPARL_PAGE_SIZE", PAGE_SIZE))


def _ts(value) -> str | None:
    """A timestamp in the site's time zone (TIME_ZONE), to the second."""
    return None if value is None else _ts_of(value)


@lru_cache(maxsize=8192)
def _ts_of(value) -> str:
    # A page repeats the same stamps many times (an agenda item has its meeting's),
    # and converting and formatting was a tenth of the cost of serialising an object.
    zone = timezone.get_default_timezone()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=zone)
    return value.astimezone(zone).isoformat(timespec="seconds")


class Row(SimpleNamespace):
    """A row read with values() instead of a model instance: list pages embed
    hundreds of agenda items, decisions and files, and making model instances
    of them cost most of a page's time. `a__b` columns become `row.a.b`."""

    @classmethod
    def of(cls, values: dict) -> Row:
        nested: dict = {}
        flat = {}
        for key, value in values.items():
            head, sep, rest = key.partition("__")
            if sep:
                nested.setdefault(head, {})[rest] = value
            else:
                flat[key] = value
        for head, sub in nested.items():
            flat[head] = cls.of(sub)
        return cls(**flat)


class Ctx:
    """Per request: absolute URLs, the omit_internal flag and organisation timestamps."""

    def __init__(self, request):
        self.request = request
        self.omit_internal = "omit_internal" in request.GET
        self._org_stamps: dict[int, tuple] = {}
        self._url_makers: dict[tuple, Callable[[int], str]] = {}
        self._objects: dict[str, Callable[[int], str]] = {}

    def url(self, name: str, *args) -> str:
        return self.reverse(f"opendata:oparl_{name}", *args)

    def obj(self, kind: str, pk: int) -> str:
        """url("object", kind, pk), the link a page writes thousands of times, by the
        shortest path."""
        make = self._objects.get(kind)
        if make is None:
            make = self._objects[kind] = url_for_ids("opendata:oparl_object", kind,
                                                     absolute=self.request.build_absolute_uri)
        return make(pk)

    def reverse(self, viewname: str, *args) -> str:
        """The absolute URL of a view. reverse() costs a fifth of a millisecond and a
        list page links thousands of objects, so each pattern is reversed once per
        request with a placeholder for its last (integer) argument, then filled in."""
        if not args or type(args[-1]) is not int:
            return self.request.build_absolute_uri(reverse(viewname, args=args))
        key = (viewname, args[:-1])
        make = self._url_makers.get(key)
        if make is None:
            make = self._url_makers[key] = url_for_ids(viewname, *args[:-1],
                                                       absolute=self.request.build_absolute_uri)
        return make(args[-1])

    def abs(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def org_stamps(self, org_id: int) -> tuple[dt.datetime, dt.datetime]:
        if org_id not in self._org_stamps:
            self._org_stamps[org_id] = org_stamps(org_id)
        return self._org_stamps[org_id]


def org_stamps(org_id: int) -> tuple[dt.datetime, dt.datetime]:
    """An organisation's first and latest recorded change (events and meeting steps)."""
    # Two lookups in the index event_organisation_at: MIN and MAX in one query read
    # every event of the organisation (SQLite optimises a lone MIN or MAX only).
    events = Event.objects.filter(organisation_id=org_id).values_list("at", flat=True)
    ev = {"a": events.order_by("at").first(), "b": events.order_by("-at").first()}
    mt = Meeting.objects.filter(organisation_id=org_id).aggregate(
        a=Min("created_at"), b=Max(_meeting_modified_expr()))
    # An object leaving the public data (a membership deleted, say) changes the objects
    # it was embedded in (OParl 2-08): those stamped with the organisation's times.
    gone = Withdrawal.objects.filter(organisation_id=org_id).aggregate(a=Max("withdrawn_at"), b=Max("restored_at"))
    firsts = [x for x in (ev["a"], mt["a"]) if x]
    lasts = [x for x in (ev["b"], mt["b"], gone["a"], gone["b"]) if x]
    created = min(firsts) if firsts else EPOCH
    return created, max(lasts) if lasts else created


def _embedded_change(kind: str, pk_field: str):
    """When something embedded in the object last left the public data or came back
    (models.EmbeddedChange), or NULL."""
    return Subquery(EmbeddedChange.objects.filter(kind=kind, object_id=OuterRef(pk_field)).values("changed_at")[:1])


def _meeting_modified_expr(prefix: str = ""):
    c = F(f"{prefix}created_at")
    return Greatest(c, *(Coalesce(F(f"{prefix}{f}"), c) for f in (
        "notice_published_at", "opened_at", "closed_at", "minutes__adjusted_at")),
        Coalesce(_embedded_change("meeting", f"{prefix}pk"), c), output_field=DateTimeField())


def _stamped(qs, created, modified):
    return qs.annotate(oparl_created=created, oparl_modified=modified)


def _base(obj, ctx, kind: str, url: str, **fields) -> dict:
    out = {"id": url, "type": OPARL + kind}
    out.update({k: v for k, v in fields.items() if v not in (None, "", [])})
    out["created"] = _ts(obj.oparl_created)
    out["modified"] = _ts(obj.oparl_modified)
    return out


# --- querysets: what is public, with oparl_created / oparl_modified ------------------------------
def _org_const(ctx, org_id):
    created, modified = ctx.org_stamps(org_id)
    return Value(created, output_field=DateTimeField()), Value(modified, output_field=DateTimeField())


def public_meetings():
    return Meeting.objects.filter(status__in=selectors.PUBLIC_MEETING_STATUSES)


# Each list has a base (which rows, no annotations or joins for display: what a
# page's count and its ids are taken from) and a full queryset (the base with
# oparl_created / oparl_modified and the related rows its serialiser reads),
# fetched for one page's ids only.
def base_organization(org_id):
    return Organ.objects.filter(organisation_id=org_id)


def qs_organization(ctx, org_id):
    return _stamped(base_organization(org_id).select_related("parent"), *_org_const(ctx, org_id))


def base_person(org_id):
    return Person.objects.filter(organisation_id=org_id).filter(Exists(Membership.objects.filter(person=OuterRef("pk"))))


def qs_person(ctx, org_id):
    return _stamped(base_person(org_id), *_org_const(ctx, org_id))


def base_membership(org_id):
    return Membership.objects.filter(organ__organisation_id=org_id)


def qs_membership(ctx, org_id):
    return _stamped(base_membership(org_id), *_org_const(ctx, org_id))


def base_meeting(org_id):
    return public_meetings().filter(organisation_id=org_id)


def qs_meeting(ctx, org_id):
    # Not select_related("minutes"): nothing here reads the minutes object (their
    # adjusted_at is in the stamp), and a reverse one-to-one cached both ways is a
    # reference cycle, which leaves a page's objects to the full garbage collection.
    # Only what ser_meeting and ser_location read: the steps' times are in the stamp.
    meetings = base_meeting(org_id).select_related("organ").only(
        "organisation_id", "organ__name", "date", "start_time", "end_time", "place", "status", "created_at")
    return _stamped(meetings, F("created_at"), _meeting_modified_expr())


def base_location(org_id):
    return base_meeting(org_id).exclude(place="")


def qs_location(ctx, org_id):
    return qs_meeting(ctx, org_id).exclude(place="")


def _in_org(case_field, org_id):
    """The organisation as a correlated EXISTS rather than a join condition. As a
    join condition SQLite (which has no statistics) drives the query from the
    organisation's index: every case, or every meeting, of the organisation, and
    then sorts all rows for a page (measured by bench/opendata_bench.py)."""
    return Exists(Case.objects.filter(pk=OuterRef(case_field), organisation_id=org_id))


def base_agendaitem(org_id):
    # The organisation's public meetings as a set (IN a subquery), which both
    # databases build once; as a join condition SQLite drives the query from the
    # meetings and sorts every item for a page (see _in_org), and as a correlated
    # EXISTS it runs a lookup for every item it counts or skips.
    return AgendaItem.objects.filter(meeting_id__in=base_meeting(org_id).values("pk"))


def _stamped_items(items):
    return _stamped(items.select_related("meeting", "meeting__organ"),
                    F("meeting__created_at"), _meeting_modified_expr("meeting__"))


def qs_agendaitem(ctx, org_id):
    return _stamped_items(base_agendaitem(org_id))


def base_consultation(org_id):
    return base_agendaitem(org_id).filter(proposal__isnull=False)


def _as_consultations(items):
    # The paper: the officer's report the proposal came from, up to two forwarding
    # decisions back (KSAU → KS → KF), as one column: loading the chain as objects
    # made ten model instances a consultation.
    via = "proposal__from_decision__proposal__"
    return _stamped_items(items).annotate(oparl_paper_id=Coalesce(
        F("proposal__report_id"), F(f"{via}report_id"), F(f"{via}from_decision__proposal__report_id")))


def qs_consultation(ctx, org_id):
    return _as_consultations(base_consultation(org_id))


def _public_reports(org_id):
    """The officer's reports that are papers (qs_paper without its objects and stamps)."""
    # The meeting's status through the join, not `meeting__in=public_meetings()`,
    # which lists every public meeting for each query.
    on_agenda = AgendaItem.objects.filter(meeting__status__in=selectors.PUBLIC_MEETING_STATUSES, case=OuterRef("case"))
    return (OfficerReport.objects.filter(_in_org("case_id", org_id)).filter(Exists(on_agenda))
            .filter(Q(document__isnull=True) | Q(document__is_secret=False)))


base_paper = _public_reports


def qs_paper(ctx, org_id):
    last_event = Event.objects.filter(case=OuterRef("case")).order_by("-at").values("at")[:1]
    # Only what ser_paper reads: the report's background and opinion and the case's
    # search text are long, and a page of them cost more to read than to serialise.
    reports = _public_reports(org_id).select_related("case").only(
        "case__organisation_id", "case__diary_number", "title", "report_date", "addressed_to_id", "document_id",
        "created_at")
    return _stamped(reports, F("created_at"),
                    Greatest(F("created_at"), Coalesce(Subquery(last_event), F("created_at")),
                             Coalesce(_embedded_change("paper", "pk"), F("created_at")), output_field=DateTimeField()))


def base_file(org_id):
    on_agenda = AgendaItem.objects.filter(meeting__status__in=selectors.PUBLIC_MEETING_STATUSES,
                                          supporting_documents=OuterRef("document"))  # see _public_reports
    report = _public_reports(org_id).filter(document=OuterRef("document"))
    return (DocumentFile.objects.filter(_in_org("document__case_id", org_id), document__is_secret=False)
            .exclude(Exists(_newer_version())).filter(Exists(on_agenda) | Exists(report)))


def _newer_version():
    return DocumentFile.objects.filter(document=OuterRef("document"), position=OuterRef("position"),
                                       version__gt=OuterRef("version"))


def _file_stamped(files):
    """A file is modified when published again (secrecy lifted, see withdrawals.py)."""
    restored = Withdrawal.objects.filter(kind="file", object_id=OuterRef("pk")).values("restored_at")[:1]
    return _stamped(files, F("created_at"), Greatest(F("created_at"), Coalesce(Subquery(restored), F("created_at")),
                                                     output_field=DateTimeField()))


def qs_file(ctx, org_id):
    return _file_stamped(base_file(org_id).select_related("blob", "document"))


def qs_legislativeterm(ctx, org_id):
    return None  # fixed terms, see TERMS


# --- serialisers ------------------------------------------------------------------------------------
def ser_body(org, ctx):
    org.oparl_created, org.oparl_modified = ctx.org_stamps(org.pk)
    lst = lambda name: ctx.url("list", org.pk, name)  # noqa: E731
    return _base(org, ctx, "Body", ctx.url("body", org.pk), system=ctx.url("system"), name=org.name,
                 shortName=org.slug, organization=lst("organization"), person=lst("person"),
                 meeting=lst("meeting"), paper=lst("paper"), agendaItem=lst("agendaItem"),
                 consultation=lst("consultation"), file=lst("file"), locationList=lst("location"),
                 legislativeTermList=lst("legislativeTerm"), membership=lst("membership"),
                 legislativeTerm=[ser_legislativeterm(t, ctx) for t in terms(ctx, org.pk)],
                 classification="Kommun", license=LICENSE)


class Term:
    def __init__(self, org_id, start_year, end_year, stamps):
        self.organisation_id, self.pk = org_id, start_year
        self.start = dt.date(start_year, 10, 15)
        self.end = dt.date(end_year, 10, 14)
        self.name = f"Mandatperioden {start_year}–{end_year}"
        self.oparl_created, self.oparl_modified = stamps


def terms(ctx, org_id):
    return [Term(org_id, a, b, ctx.org_stamps(org_id)) for a, b in TERMS]


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
                start=_ts(_meeting_dt(m, m.start_time)),  # no time recorded: no start (the name carries the date)
                end=_ts(_meeting_dt(m, m.end_time)), organization=[ctx.obj("organization", m.organ_id)],
                web=ctx.reverse("decisions:meeting_detail", m.pk))  # = m.get_absolute_url(), reversed once a page
    if not ctx.omit_internal:
        if m.place:
            out["location"] = ser_location(m, ctx)
        items = getattr(m, "oparl_items", None)
        if items is None:
            items = list(_items_with_decisions(qs_agendaitem(ctx, m.organisation_id).filter(meeting=m).order_by("position")))
        out["agendaItem"] = [ser_agendaitem(i, ctx) for i in items]
    return out


def _items_with_decisions(items, *, forwards: bool = False):
    """Each item's decisions (oparl_decisions), once the minutes are adjusted;
    with `forwards`, whether each forwarded a proposal (for Consultation)."""
    items = list(items)
    # selectors.decisions_visible for an anonymous reader: the minutes are adjusted.
    adjusted = [i.meeting_id for i in items if i.meeting.status == Meeting.Status.ADJUSTED]
    by_item: dict[int, list[Row]] = {}
    if adjusted:
        # Whether a decision forwarded a proposal (for Consultation.authoritative), as
        # EXISTS: prefetching the proposals cost a queryset per decision.
        labels = {k: str(v) for k, v in OUTCOME_LABELS.items()}  # translated once, not per decision
        decisions = Decision.objects.filter(meeting_id__in=set(adjusted), agenda_item__isnull=False)
        if forwards:
            decisions = decisions.annotate(oparl_forwards=Exists(Proposal.objects.filter(from_decision=OuterRef("pk"))))
        for d in decisions.order_by("paragraph").values(
                "agenda_item_id", "paragraph", "text", "outcome", *(["oparl_forwards"] if forwards else [])):
            by_item.setdefault(d["agenda_item_id"], []).append(Row(**d, label=labels.get(d["outcome"], d["outcome"])))
    for i in items:
        i.oparl_decisions = by_item.get(i.pk, [])
    return items


def _items_with_files(items, ctx):
    """Each agenda item's public supporting files (latest versions, never a secret document's)."""
    if not items:
        return items
    through = AgendaItem.supporting_documents.through
    # By the items' meetings (a hundred ids at most, for hundreds of items): building
    # and planning an IN list of every item's id cost more than the pairs of the
    # meetings' other items, which are left out here.
    on_page = {i.pk for i in items}
    pairs = [p for p in through.objects.filter(agendaitem__meeting_id__in={i.meeting_id for i in items})
             .values_list("agendaitem_id", "document_id") if p[0] in on_page]
    by_doc: dict[int, list] = {}
    org_id = items[0].meeting.organisation_id
    for f in _file_rows(_files_of_public_documents(ctx, org_id, {d for _, d in pairs})
                        .order_by("document_id", "position")):
        by_doc.setdefault(f.document_id, []).append(f)
    by_item: dict[int, list] = {}
    for item_id, doc_id in sorted(pairs, key=lambda p: p[1]):
        by_item.setdefault(item_id, []).extend(by_doc.get(doc_id, []))
    for i in items:
        i.oparl_files = by_item.get(i.pk, [])
    return items


def _files_of_public_documents(ctx, org_id, document_ids):
    """qs_file for documents known to be on a public agenda or the reports of
    public papers (the agenda items and papers of a page), without testing that
    again for every file: the rest of qs_file's conditions."""
    return _file_stamped(DocumentFile.objects.filter(document_id__in=document_ids, document__is_secret=False)
                         .filter(_in_org("document__case_id", org_id)).exclude(Exists(_newer_version())))


def _file_rows(files):
    """Embedded files as rows with what ser_file reads."""
    return [Row.of(v) for v in files.select_related(None).values(
        "pk", "document_id", "position", "filename", "oparl_created", "oparl_modified", "blob__content_type",
        "blob__size", "document__description", "document__document_date", "document__is_secret")]


OUTCOME_LABELS = dict(Decision.Outcome.choices)


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
            "created": _ts(w.created), "modified": _ts(w.withdrawn_at), "deleted": True}


def _withdrawn(kind, org_id, flt):
    if org_id is None:
        return None
    qs = Withdrawal.objects.filter(organisation_id=org_id, kind=kind, restored_at__isnull=True)
    ops = {"created_since": "created__gte", "created_until": "created__lte",
           "modified_since": "withdrawn_at__gte", "modified_until": "withdrawn_at__lte"}
    return qs.filter(**{ops[name]: value for name, value in flt.items()}).order_by("withdrawn_at", "pk")


# --- batch loading of embedded objects (bounded queries per page) -----------------------------------
def _public_papers(items, org_id):
    """A consultation's paper only when it is published: the report of a chain of
    forwards can be secret (or its item on no public agenda), and a link to it
    would lead a client to a 404 or a deleted object."""
    ids = {i.oparl_paper_id for i in items if i.oparl_paper_id}
    public = set(_public_reports(org_id).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for i in items:
        if i.oparl_paper_id not in public:
            i.oparl_paper_id = None
    return items


def _attach(kind, objs, ctx, org_id):
    if kind == "consultation":
        _public_papers(objs, org_id)
    if not objs or ctx.omit_internal:
        if kind in ("agendaItem", "consultation"):
            _items_with_decisions(objs, forwards=kind == "consultation")
        return objs
    if kind == "person":
        by: dict[int, list] = {}
        for m in qs_membership(ctx, org_id).filter(person__in=objs).order_by("pk"):
            by.setdefault(m.person_id, []).append(m)
        for p in objs:
            p.oparl_memberships = by.get(p.pk, [])
    elif kind == "meeting":
        by = {}
        meetings = {m.pk: m for m in objs}
        items = [Row(**v) for v in AgendaItem.objects.filter(meeting_id__in=list(meetings)).order_by("position").values(
            "pk", "meeting_id", "position", "title", "proposal_id")]
        for i in items:
            # What the items read of their meeting, without a reference back to the
            # meeting: a meeting holding its items and each item its meeting would be
            # a reference cycle, and a page of them (thousands of objects) would wait
            # for Python's full garbage collection, 20 ms every tenth page or so,
            # instead of being freed as the response is sent.
            m = meetings[i.meeting_id]
            i.meeting = Row(status=m.status, organisation_id=m.organisation_id, organ_id=m.organ_id)
            i.oparl_created, i.oparl_modified = m.oparl_created, m.oparl_modified
        for i in _items_with_files(_items_with_decisions(items), ctx):
            by.setdefault(i.meeting_id, []).append(i)
        for m in objs:
            m.oparl_items = by.get(m.pk, [])
    elif kind == "agendaItem":
        _items_with_files(_items_with_decisions(objs), ctx)
    elif kind == "consultation":
        _items_with_decisions(objs, forwards=True)
    elif kind == "paper":
        docs = [r.document_id for r in objs if r.document_id]
        files: dict[int, list] = {}
        for f in _file_rows(_files_of_public_documents(ctx, org_id, docs).order_by("position")):
            files.setdefault(f.document_id, []).append(f)
        cons: dict[int, list] = {}
        # The items of the page's cases on published agendas, by the cases' index: as
        # qs_consultation (the organisation's public meetings as a set) SQLite read
        # every item of the organisation's meetings for them, 10 ms a page. Items
        # without a proposal are not excluded here (they have no paper, so they match
        # no report below): with that condition PostgreSQL read every item with a
        # proposal, in order, for a merge join.
        consultations = _as_consultations(AgendaItem.objects.filter(
            case_id__in={r.case_id for r in objs}, meeting__status__in=selectors.PUBLIC_MEETING_STATUSES))
        for i in _items_with_decisions((Row.of(v) for v in consultations.order_by("meeting__date", "pk").values(
                "pk", "meeting_id", "meeting__organ_id", "meeting__status", "oparl_paper_id", "oparl_created",
                "oparl_modified")), forwards=True):
            cons.setdefault(i.oparl_paper_id, []).append(i)
        for r in objs:
            r.oparl_files = files.get(r.document_id, [])
            r.oparl_consultations = cons.get(r.pk, [])
    return objs


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
BASES = {"organization": base_organization, "person": base_person, "membership": base_membership,
         "meeting": base_meeting, "agendaItem": base_agendaitem, "consultation": base_consultation,
         "paper": base_paper, "file": base_file, "location": base_location}


# --- responses -------------------------------------------------------------------------------------
_conditional_get = decorator_from_middleware(ConditionalGetMiddleware)  # ETag from the body, 304 on If-None-Match


def conditional(view):
    """ETag and 304s, and the CORS header on every answer: the 304 that Django
    makes from a 200 drops it, and a browser client revalidating by hand could
    then not read it (OParl 2-06)."""
    checked = _conditional_get(view)

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = checked(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return answer


CACHE_SECONDS = 60
LIST_SECONDS = 15


def _last_modified(data) -> str | None:
    """The newest `modified` of an object or of a list page's objects, as an HTTP date."""
    stamps = [data.get("modified")] if "modified" in data else [o.get("modified") for o in data.get("data", [])]
    stamps = [dt.datetime.fromisoformat(s) for s in stamps if s]
    return http_date(max(stamps).timestamp()) if stamps else None


def _encode(data) -> bytes:
    """UTF-8 JSON. orjson (a dependency for the search index) writes a list page of
    100 meetings with their agenda items in a tenth of the time of json.dumps. A
    lone surrogate (a damaged text in SQLite) is written as an escape instead."""
    try:
        return orjson.dumps(data, default=str)
    except orjson.JSONEncodeError:
        return json.dumps(data, default=str).encode()


def _json(data, status=200):
    # Access-Control-Allow-Origin: set by `conditional`, on this answer and on a 304 made from it.
    response = HttpResponse(_encode(data), status=status, content_type="application/json; charset=utf-8")
    if status == 200:
        # Cacheable by anyone for a minute; ETag (from the body) and Last-Modified
        # let clients revalidate with a 304 after that.
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        modified = _last_modified(data)
        if modified:
            response["Last-Modified"] = modified
    return response


def _error(status, message):
    return _json({"type": "error", "message": message}, status=status)


def _filters(request):
    """The list filters as datetimes; a malformed value is an error (400)."""
    out = {}
    for name in FILTERS:
        raw = request.GET.get(name)
        if raw is None:
            continue
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None:
            raise ValueError(name)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        out[name] = value
    return out


def _apply(qs_or_list, flt):
    ops = {"created_since": ("oparl_created", "gte"), "created_until": ("oparl_created", "lte"),
           "modified_since": ("oparl_modified", "gte"), "modified_until": ("oparl_modified", "lte")}
    if isinstance(qs_or_list, list):
        def ok(o):
            for name, value in flt.items():
                field, op = ops[name]
                v = getattr(o, field)
                if (op == "gte" and v < value) or (op == "lte" and v > value):
                    return False
            return True
        return [o for o in qs_or_list if ok(o)]
    return qs_or_list.filter(**{f"{f}__{op}": flt[name] for name, (f, op) in ops.items() if name in flt})


def _page_url(request, page, after: int | None = None):
    # Sorted: the same list page has one URL whatever order a client wrote (OParl 2-03).
    params = sorted((k, v) for k, v in request.GET.lists() for v in v if k not in ("page", "after"))
    if page > 1:
        params.append(("page", str(page)))
    if after is not None:
        params.append(("after", str(after)))
    base = request.build_absolute_uri(request.path)
    return f"{base}?{urlencode(params, safe=':')}" if params else base


def _list_seconds() -> int:
    return int(getattr(settings, "DIARIUM_OPARL_LIST_SECONDS", LIST_SECONDS))


def _ids(rows, key: str) -> array:
    """The ids of a list in order, kept in the shared cache for a few seconds
    (DIARIUM_OPARL_LIST_SECONDS; 0 reads them on every request). Which rows
    belong to a list is decided by testing every row, so counting a list or
    skipping to its 40th page costs as much as the whole list; a client paging
    through it by number would pay that for every page. Kept ids are only an
    index: the rows of a page are read and tested again when it is served."""
    seconds = _list_seconds()
    if seconds <= 0:
        return array("q", rows.order_by("pk").values_list("pk", flat=True))
    ids = cache.get(key)
    if ids is None:
        ids = array("q", rows.order_by("pk").values_list("pk", flat=True))
        cache.set(key, ids, seconds)
    return ids


def _list(request, ctx, kind, source, org_id, base=None, key=None):
    """One page of a list.

    `source` is the full queryset (or a list). Without filters, `base` (the
    same rows without display annotations and joins) decides which ids a page
    has, and the full rows are read for those ids only, tested again as they
    are read: an object that left the public data a second ago is not served.
    - A `next` link carries the last id of its page (`after`), and the next
      page starts there in the index: walking a whole list costs the same for
      its last page as for its first, and it sees every change at once.
    - A page asked for by number (first, prev, last, or typed) takes its ids
      from the list's ids kept for a few seconds (_ids); so does the total,
      except on a list's last page, which counts exactly.
    With filters (created_since …) every page is counted and read afresh."""
    try:
        flt = _filters(request)
        page = int(request.GET.get("page", "1"))
        after = int(request.GET["after"]) if "after" in request.GET else None
        # A client may ask for smaller pages (`limit`), never larger than the server's.
        size = min(_page_size(), max(1, int(request.GET.get("limit", _page_size()))))
    except ValueError:
        return _error(400, "Ogiltig parameter.")
    if page < 1:
        return _error(404, "Sidan finns inte.")
    start, stop = (page - 1) * size, page * size
    qs = _apply(source, flt)
    gone, gone_total, last_id, more = None, 0, None, False
    if base is not None and not flt:
        key = f"diarium:oparl:ids:{key or f'{kind}:{org_id}'}"
        listed = _ids(base, key)
        if after is not None:
            ids = list(base.order_by("pk").filter(pk__gt=after).values_list("pk", flat=True)[:size + 1])
        else:
            ids = list(listed[start:stop + 1])
        more = len(ids) > size
        ids = ids[:size]
        if not ids and page > 1:
            return _error(404, "Sidan finns inte.")
        if more:
            total = max(len(listed), stop + 1)
        else:  # the last page: counted, and kept ids that were out of date are dropped
            total = base.count() if _list_seconds() > 0 else len(listed)
            if total != len(listed):
                cache.delete(key)
        objs = list(qs.filter(pk__in=ids).order_by("pk"))
        last_id = ids[-1] if ids else None  # the page's last listed id, served or (just withdrawn) not
    else:
        total = len(qs) if isinstance(qs, list) else qs.count()
        # Deleted objects follow the live ones, and only when a client asks what changed.
        gone = _withdrawn(kind, org_id, flt) if "modified_since" in flt else None
        gone_total = gone.count() if gone is not None else 0
        if page > max(1, -(-(total + gone_total) // size)):
            return _error(404, "Sidan finns inte.")
        if start >= total:
            objs = []
        elif isinstance(qs, list):
            objs = qs[start:stop]
        else:
            objs = list(qs.order_by("pk")[start:stop])
    pages = max(1, -(-(total + gone_total) // size))
    objs = _attach(kind, objs, ctx, org_id)
    serialise = (TYPES.get(kind) or LIST_ONLY[kind])[1]
    data = [serialise(o, ctx) for o in objs]
    if gone_total and stop > total:
        data += [ser_deleted(w, ctx) for w in gone[max(0, start - total):stop - total]]
    keyset = base is not None and not flt
    links = {"first": _page_url(request, 1), "self": _page_url(request, page, after=after if keyset else None),
             "last": _page_url(request, pages)}
    if page > 1:
        links["prev"] = _page_url(request, page - 1)
    # On a keyset page `more` is what was read: a list that grew while a client walked
    # it must not get a next link to a page with nothing on it (a 404 mid-walk).
    if page < pages and (more or not keyset):
        links["next"] = _page_url(request, page + 1, after=last_id if keyset else None)
    return _json({"data": data,
                  "pagination": {"totalElements": total + gone_total, "elementsPerPage": size, "currentPage": page,
                                 "totalPages": pages},
                  "links": links})


@conditional
def system(request):
    ctx = Ctx(request)
    stamps = [ctx.org_stamps(pk) for pk in Organisation.objects.values_list("pk", flat=True)]
    created = min((s[0] for s in stamps), default=EPOCH)
    modified = max((s[1] for s in stamps), default=EPOCH)
    return _json({"id": ctx.url("system"), "type": OPARL + "System", "oparlVersion": "https://schema.oparl.org/1.1/",
                  "body": ctx.url("body_list"), "name": "Diarium", "website": request.build_absolute_uri("/"),
                  "license": LICENSE,
                  "created": _ts(created), "modified": _ts(modified)})


@conditional
def body_list(request):
    ctx = Ctx(request)
    orgs = list(Organisation.objects.order_by("pk"))
    for o in orgs:
        o.oparl_created, o.oparl_modified = ctx.org_stamps(o.pk)
    return _list(request, ctx, "body", orgs, None)


@conditional
def body(request, pk: int):
    ctx = Ctx(request)
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        return _error(404, "Finns inte.")
    return _json(ser_body(org, ctx))


@conditional
def body_sublist(request, pk: int, kind: str):
    ctx = Ctx(request)
    if kind not in TYPES or not Organisation.objects.filter(pk=pk).exists():
        return _error(404, "Finns inte.")
    if kind == "legislativeTerm":
        return _list(request, ctx, kind, terms(ctx, pk), pk)
    return _list(request, ctx, kind, TYPES[kind][0](ctx, pk), pk, base=BASES[kind](pk))


@conditional
def organization_meetings(request, pk: int):
    ctx = Ctx(request)
    organ = Organ.objects.filter(pk=pk).first()
    if organ is None:
        return _error(404, "Finns inte.")
    return _list(request, ctx, "meeting", qs_meeting(ctx, organ.organisation_id).filter(organ=organ),
                 organ.organisation_id, base=base_meeting(organ.organisation_id).filter(organ=organ),
                 key=f"meeting:{organ.organisation_id}:organ:{organ.pk}")


def _org_of(kind, pk):
    lookups = {
        "organization": Organ.objects.filter(pk=pk).values_list("organisation_id", flat=True),
        "person": Person.objects.filter(pk=pk).values_list("organisation_id", flat=True),
        "membership": Membership.objects.filter(pk=pk).values_list("organ__organisation_id", flat=True),
        "meeting": Meeting.objects.filter(pk=pk).values_list("organisation_id", flat=True),
        "location": Meeting.objects.filter(pk=pk).values_list("organisation_id", flat=True),
        "agendaItem": AgendaItem.objects.filter(pk=pk).values_list("meeting__organisation_id", flat=True),
        "consultation": AgendaItem.objects.filter(pk=pk).values_list("meeting__organisation_id", flat=True),
        "paper": OfficerReport.objects.filter(pk=pk).values_list("case__organisation_id", flat=True),
        "file": DocumentFile.objects.filter(pk=pk).values_list("document__case__organisation_id", flat=True),
    }
    return lookups[kind].first()


@conditional
def obj(request, kind: str, pk: int):
    ctx = Ctx(request)
    if kind == "legislativeTerm":
        org_id, year = divmod(pk, 10000)
        found = [t for t in terms(ctx, org_id) if t.pk == year and Organisation.objects.filter(pk=org_id).exists()]
        if not found:
            return _error(404, "Finns inte.")
        return _json(ser_legislativeterm(found[0], ctx))
    if kind not in TYPES:
        return _error(404, "Finns inte.")
    org_id = _org_of(kind, pk)
    found = _attach(kind, list(TYPES[kind][0](ctx, org_id).filter(pk=pk)), ctx, org_id) if org_id is not None else []
    if not found:
        # Not published now: a deleted object if it was published once, else nothing.
        gone = Withdrawal.objects.filter(kind=kind, object_id=pk, restored_at__isnull=True).first()
        return _json(ser_deleted(gone, ctx)) if gone is not None else _error(404, "Finns inte.")
    if kind in ("meeting", "location", "agendaItem", "consultation"):
        meeting = found[0] if kind in ("meeting", "location") else found[0].meeting
        if not selectors.meeting_visible(ANONYMOUS, meeting):
            return _error(404, "Finns inte.")
    return _json(TYPES[kind][1](found[0], ctx))
