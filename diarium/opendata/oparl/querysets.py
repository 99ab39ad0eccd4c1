"""What OParl publishes, as querysets with `oparl_created` / `oparl_modified`.

Each list has a base (which rows, without the annotations and joins for display:
what a page's count and ids are taken from) and a full queryset (the base with
the stamps and the related rows its serialiser reads), fetched for one page's
ids only. Also the organisation's timestamps, the fixed legislative terms and
the withdrawn (deleted) objects of a list.

Where OParl decides "public" on its own, rather than through an access.py or
selectors of the domain apps, the rule is written here and only here (see the
notes marked "public:" below).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    DateTimeField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from diarium.accounts.models import Organ, Person
from diarium.decisions.access import PUBLIC_MEETING_STATUSES
from diarium.decisions.models import AgendaItem, Meeting, Membership, OfficerReport
from diarium.registry.models import Case, DocumentFile, Event

from ..models import EmbeddedChange, Withdrawal

EPOCH = dt.datetime(2014, 10, 15, tzinfo=dt.timezone.utc)  # before any data, when an organisation has none
TERMS = [(2014, 2018), (2018, 2022), (2022, 2026)]


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


def _org_const(ctx, org_id):
    created, modified = ctx.org_stamps(org_id)
    return Value(created, output_field=DateTimeField()), Value(modified, output_field=DateTimeField())


def decisions_public(meeting_status) -> bool:
    """public: an agenda item's decisions are published once the minutes are
    adjusted. Duplicates decisions.access.decisions_visible for an anonymous
    reader (there for one meeting object, here for a meeting's status on a row)."""
    return meeting_status == Meeting.Status.ADJUSTED


def public_meetings():
    # public: a meeting from its published notice on, by decisions.access'
    # PUBLIC_MEETING_STATUSES (the rule of access.meeting_visible for an
    # anonymous reader, as a queryset).
    return Meeting.objects.filter(status__in=PUBLIC_MEETING_STATUSES)


# Each list has a base (which rows, no annotations or joins for display: what a
# page's count and its ids are taken from) and a full queryset (the base with
# oparl_created / oparl_modified and the related rows its serialiser reads),
# fetched for one page's ids only.
def base_organization(org_id):
    # public: every organ of the organisation (no access rule elsewhere hides one).
    return Organ.objects.filter(organisation_id=org_id)


def qs_organization(ctx, org_id):
    return _stamped(base_organization(org_id).select_related("parent"), *_org_const(ctx, org_id))


def base_person(org_id):
    # public: a person holding a seat (a membership); OParl's own rule, no access.py has one.
    return Person.objects.filter(organisation_id=org_id).filter(Exists(Membership.objects.filter(person=OuterRef("pk"))))


def qs_person(ctx, org_id):
    return _stamped(base_person(org_id), *_org_const(ctx, org_id))


def base_membership(org_id):
    # public: every membership of the organisation's organs.
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


def as_consultations(items):
    # The paper: the officer's report the proposal came from, up to two forwarding
    # decisions back (KSAU → KS → KF), as one column: loading the chain as objects
    # made ten model instances a consultation.
    via = "proposal__from_decision__proposal__"
    return _stamped_items(items).annotate(oparl_paper_id=Coalesce(
        F("proposal__report_id"), F(f"{via}report_id"), F(f"{via}from_decision__proposal__report_id")))


def qs_consultation(ctx, org_id):
    return as_consultations(base_consultation(org_id))


def consultations_of_cases(case_ids):
    """The agenda items of these cases on public agendas, as consultations (the
    papers' embedded consultations; see embedding.attach)."""
    # public: the same meeting statuses as public_meetings, through the join.
    return as_consultations(AgendaItem.objects.filter(
        case_id__in=case_ids, meeting__status__in=PUBLIC_MEETING_STATUSES))


def public_reports(org_id):
    """The officer's reports that are papers (qs_paper without its objects and stamps)."""
    # public: a report whose case is on the agenda of a public meeting and whose
    # document (if any) is not secret. The secrecy half duplicates
    # registry.access.content_hidden(document, read_secret=False) and the filter of
    # decisions.selectors.officer_report_list for a reader without read_secret;
    # "on a public agenda" is OParl's own rule.
    # The meeting's status through the join, not `meeting__in=public_meetings()`,
    # which lists every public meeting for each query.
    on_agenda = AgendaItem.objects.filter(meeting__status__in=PUBLIC_MEETING_STATUSES, case=OuterRef("case"))
    return (OfficerReport.objects.filter(_in_org("case_id", org_id)).filter(Exists(on_agenda))
            .filter(Q(document__isnull=True) | Q(document__is_secret=False)))


base_paper = public_reports


def qs_paper(ctx, org_id):
    last_event = Event.objects.filter(case=OuterRef("case")).order_by("-at").values("at")[:1]
    # Only what ser_paper reads: the report's background and opinion and the case's
    # search text are long, and a page of them cost more to read than to serialise.
    reports = public_reports(org_id).select_related("case").only(
        "case__organisation_id", "case__diary_number", "title", "report_date", "addressed_to_id", "document_id",
        "created_at")
    return _stamped(reports, F("created_at"),
                    Greatest(F("created_at"), Coalesce(Subquery(last_event), F("created_at")),
                             Coalesce(_embedded_change("paper", "pk"), F("created_at")), output_field=DateTimeField()))


def base_file(org_id):
    # public: the latest version of a file of a non-secret document that is a
    # supporting document on a public agenda or a public paper's report. "Not
    # secret" duplicates registry.access.content_hidden(document, read_secret=False)
    # (and decisions.selectors._supporting for the agenda); latest version only and
    # "on a public agenda" are OParl's own rules.
    on_agenda = AgendaItem.objects.filter(meeting__status__in=PUBLIC_MEETING_STATUSES,
                                          supporting_documents=OuterRef("document"))  # see public_reports
    report = public_reports(org_id).filter(document=OuterRef("document"))
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


class Term:
    def __init__(self, org_id, start_year, end_year, stamps):
        self.organisation_id, self.pk = org_id, start_year
        self.start = dt.date(start_year, 10, 15)
        self.end = dt.date(end_year, 10, 14)
        self.name = f"Mandatperioden {start_year}–{end_year}"
        self.oparl_created, self.oparl_modified = stamps


def terms(ctx, org_id):
    return [Term(org_id, a, b, ctx.org_stamps(org_id)) for a, b in TERMS]


def files_of_public_documents(ctx, org_id, document_ids):
    """qs_file for documents known to be on a public agenda or the reports of
    public papers (the agenda items and papers of a page), without testing that
    again for every file: the rest of qs_file's conditions."""
    # public: the same secrecy and latest-version rules as base_file.
    return _file_stamped(DocumentFile.objects.filter(document_id__in=document_ids, document__is_secret=False)
                         .filter(_in_org("document__case_id", org_id)).exclude(Exists(_newer_version())))


def withdrawn(kind, org_id, flt):
    if org_id is None:
        return None
    qs = Withdrawal.objects.filter(organisation_id=org_id, kind=kind, restored_at__isnull=True)
    ops = {"created_since": "created__gte", "created_until": "created__lte",
           "modified_since": "withdrawn_at__gte", "modified_until": "withdrawn_at__lte"}
    return qs.filter(**{ops[name]: value for name, value in flt.items()}).order_by("withdrawn_at", "pk")


BASES = {"organization": base_organization, "person": base_person, "membership": base_membership,
         "meeting": base_meeting, "agendaItem": base_agendaitem, "consultation": base_consultation,
         "paper": base_paper, "file": base_file, "location": base_location}
