"""What OParl publishes, as querysets with `oparl_created` / `oparl_modified`.

Each list has a base (which rows, without the annotations and joins for display:
what a page's count and ids are taken from) and a full queryset (the base with
the stamps and the related rows its serialiser reads), fetched for one page's
ids only. Also the organisation's timestamps, the fixed legislative terms and
the withdrawn (deleted) objects of a list.

Which rows are public is never decided here: every base takes its rows from
the access modules of the apps that own them (accounts.access.public_organs,
decisions.access.public_meetings, papers, public_meeting_files …) and only
narrows them to one organisation.
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
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from diarium.accounts import access as accounts_access
from diarium.decisions import access as decisions_access
from diarium.registry import access as registry_access

from ..models import EmbeddedChange, Withdrawal

EPOCH = dt.datetime(2014, 10, 15, tzinfo=dt.UTC)  # before any data, when an organisation has none
TERMS = [(2014, 2018), (2018, 2022), (2022, 2026)]


def org_stamps(org_id: int) -> tuple[dt.datetime, dt.datetime]:
    """An organisation's first and latest recorded change (the public history
    entries and the public meetings' steps)."""
    return orgs_stamps([org_id]).get(org_id, (EPOCH, EPOCH))


def _first(qs, field: str, *, latest: bool = False):
    """The organisation's smallest (or largest) `field` of qs as a scalar subquery:
    ORDER BY … LIMIT 1, one lookup in an (organisation, field) index. MIN and MAX
    in one subquery read every row of the organisation, and SQLite optimises only
    a lone MIN or MAX."""
    return Subquery(qs.filter(organisation_id=OuterRef("pk")).order_by(f"-{field}" if latest else field)
                    .values(field)[:1], output_field=DateTimeField())


def _per_org(qs, **aggregates):
    """Aggregates of qs for the outer organisation, each as a scalar subquery."""
    grouped = qs.filter(organisation_id=OuterRef("pk")).order_by().values("organisation_id")
    return {name: Subquery(grouped.annotate(v=agg).values("v")[:1], output_field=DateTimeField())
            for name, agg in aggregates.items()}


def orgs_stamps(org_ids=None) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """org_stamps of these public organisations (all with None), in one query: the
    body list and System need every organisation's, and four queries for each
    were 81 queries and 77 ms for a county of 20 (bench/county)."""
    orgs = accounts_access.public_organisations()
    if org_ids is not None:
        orgs = orgs.filter(pk__in=list(org_ids))
    events = registry_access.public_events()
    rows = orgs.order_by().annotate(
        ev_a=_first(events, "at"), ev_b=_first(events, "at", latest=True),
        # An object leaving the public data (a membership deleted, say) changes the objects
        # it was embedded in (OParl 2-08): those stamped with the organisation's times.
        **_per_org(decisions_access.public_meetings(), mt_a=Min("created_at"), mt_b=Max(_meeting_modified_expr())),
        **_per_org(Withdrawal.objects.all(), gone_a=Max("withdrawn_at"), gone_b=Max("restored_at")),
    ).values_list("pk", "ev_a", "mt_a", "ev_b", "mt_b", "gone_a", "gone_b")
    out = {}
    for pk, ev_a, mt_a, *lasts in rows:
        firsts = [x for x in (ev_a, mt_a) if x]
        lasts = [x for x in lasts if x]
        created = min(firsts) if firsts else EPOCH
        out[pk] = (created, max(lasts) if lasts else created)
    return out


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


# Each list has a base (which rows, no annotations or joins for display: what a
# page's count and its ids are taken from) and a full queryset (the base with
# oparl_created / oparl_modified and the related rows its serialiser reads),
# fetched for one page's ids only.
def base_organization(org_id):
    return accounts_access.public_organs().filter(organisation_id=org_id)


def qs_organization(ctx, org_id):
    return _stamped(base_organization(org_id).select_related("parent"), *_org_const(ctx, org_id))


def base_person(org_id):
    return decisions_access.people_with_seats().filter(organisation_id=org_id)


def qs_person(ctx, org_id):
    return _stamped(base_person(org_id), *_org_const(ctx, org_id))


def base_membership(org_id):
    return decisions_access.public_memberships().filter(organ__organisation_id=org_id)


def qs_membership(ctx, org_id):
    return _stamped(base_membership(org_id), *_org_const(ctx, org_id))


def base_meeting(org_id):
    return decisions_access.public_meetings().filter(organisation_id=org_id)


def qs_meeting(ctx, org_id):
    # Not select_related("minutes"): nothing here reads the minutes object (their
    # adjusted_at is in the stamp), and a reverse one-to-one cached both ways is a
    # reference cycle, which leaves a page's objects to the full garbage collection.
    # Only what ser_meeting and ser_location read: the steps' times are in the stamp.
    meetings = base_meeting(org_id).select_related("organ").only(
        "organisation_id", "organ__name", "date", "start_time", "end_time", "place", "status", "created_at",
        "notice_published_at", "notice_blob_id",
    ).annotate(  # the drawn-up notice and minutes (invitation, resultsProtocol), read through the join
        notice_size=F("notice_blob__size"), minutes_blob=F("minutes__blob_id"), minutes_size=F("minutes__blob__size"),
        minutes_adjusted_at=F("minutes__adjusted_at"))
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
    return Exists(registry_access.public_cases().filter(pk=OuterRef(case_field), organisation_id=org_id))


def base_agendaitem(org_id):
    # The organisation's public meetings as a set (see public_agenda_items); as a
    # correlated EXISTS it would run a lookup for every item it counts or skips.
    return decisions_access.public_agenda_items(base_meeting(org_id))


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
    return as_consultations(decisions_access.public_agenda_items().filter(case_id__in=case_ids))


def public_reports(org_id):
    """The officer's reports that are papers (qs_paper without its objects and stamps)."""
    return decisions_access.papers().filter(_in_org("case_id", org_id))


base_paper = public_reports


def qs_paper(ctx, org_id):
    last_event = registry_access.public_events().filter(case=OuterRef("case")).order_by("-at").values("at")[:1]
    # Only what ser_paper reads: the report's background and opinion and the case's
    # search text are long, and a page of them cost more to read than to serialise.
    reports = public_reports(org_id).select_related("case").only(
        "case__organisation_id", "case__diary_number", "title", "report_date", "addressed_to_id", "document_id",
        "created_at")
    return _stamped(reports, F("created_at"),
                    Greatest(F("created_at"), Coalesce(Subquery(last_event), F("created_at")),
                             Coalesce(_embedded_change("paper", "pk"), F("created_at")), output_field=DateTimeField()))


def base_file(org_id):
    return decisions_access.public_meeting_files().filter(_in_org("document__case_id", org_id))


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
    again for every file: the public current versions of their files."""
    return _file_stamped(registry_access.public_files(latest=True).filter(document_id__in=document_ids)
                         .filter(_in_org("document__case_id", org_id)))


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
