"""A historic meeting read from its notice or minutes, and the decisions of
its paragraphs (from the minutes or an excerpt).

Why these rows are written here
-------------------------------
The meeting process (decisions.services: a meeting planned, its notice
published, opened, each decision recorded with the organ's next paragraph,
closed, the minutes signed and adjusted) cannot happen for a meeting held
years ago: its paragraphs, attendance, chair, adjusters and posting are facts
of the record, and going through the process would invent times and
signatures that never were. The archive's writer (archive.services.importing)
writes a historic case with its decisions but has no writer for a meeting's
agenda, attendance or minutes, nor for decisions on a case already in the
register. So they are written here as the minutes state them, the way the
archive writes its decisions: the meeting's decisions dated by it, adjusted
minutes for minutes and excerpts, the organ's paragraph counter moved on so
new paragraphs never clash. A meeting the register is holding through its
process (opened, or closed and waiting for adjustment) is never touched."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from diarium.decisions.models import (
    DECISION_TEXT_MAX,
    TITLE_MAX,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Minutes,
    ParagraphCounter,
)
from diarium.decisions.services import APPEAL_DAYS
from diarium.registry.models import Case

from ..models import ImportProposal, Kind
from .register import Register, case_data, codes_of, historic_case_write, local_noon
from .values import Values
from .values import diary_number as diary_number_of

# Meetings the register holds through its own process: minutes read in never overwrite them.
IN_PROCESS = (Meeting.Status.OPENED, Meeting.Status.CLOSED)
_HEADING = re.compile(r"(?m)^[ \t]*§[ \t]*(\d{1,4})\b")
_DECISION_HEADING = re.compile(r"(?im)^[ \t]*(?:[\wåäö]+s[ \t]+)?(?:beslut|förslag till beslut)[ \t]*:?[ \t]*$")
_SECTION_END = re.compile(r"(?im)^[ \t]*(?:beslutet\s+(?:ska\s+)?(?:skickas|expedieras|sänds)|expedier|sändlista|"
                          r"beslut\s+till\b|justerandes|utdragsbestyrkande|reservation|särskilt\s+yttrande|"
                          r"protokollsanteckning|närvarolista|omröstningslista|vid\s+protokollet)")


def decision_year(register: Register, day: dt.date) -> int:
    return day.year if register.organisation.paragraphs_restart_yearly else 0


def meeting_find(register: Register, organ_name: str, day: dt.date | None) -> Meeting | None:
    organ = register.organ_find(organ_name)
    if organ is None or day is None:
        return None
    return Meeting.objects.filter(organisation=register.organisation, organ=organ, date=day).order_by("pk").first()


def section_text(text: str, paragraph: int, others: list[int] | tuple[int, ...] = ()) -> str:
    """The decision of § `paragraph` as the minutes or excerpt write it: the
    part of its section under its "Beslut" heading (else the whole section
    below the § line), up to the dispatch list or the signatures. Where PDF
    text lost the § signs, a line that begins with the paragraph's number
    (or with one of `others`, the document's other paragraphs) is its heading."""
    text = text or ""
    headings = [(m.start(), m.end(), int(m[1])) for m in _HEADING.finditer(text)]
    if not any(number == paragraph for _s, _e, number in headings):
        headings = []
        for number in {paragraph, *others}:
            bare = re.compile(r"(?m)^[ \t]*" + str(int(number)) + r"(?=[ \t]|$)")
            headings += [(m.start(), m.end(), number) for m in bare.finditer(text)]
        headings.sort()
    start = next((h for h in headings if h[2] == paragraph), None)
    if start is None:
        return ""
    after = next((h[0] for h in headings if h[0] > start[1] and h[2] != paragraph), len(text))
    body = text[start[1]:after]
    body = body.split("\n", 1)[1] if "\n" in body else ""  # the rest of the § line is its title
    decided = list(_DECISION_HEADING.finditer(body))
    if decided:
        body = body[decided[-1].end():]
    end = _SECTION_END.search(body)
    if end is not None:
        body = body[:end.start()]
    body = re.sub(r"[ \t]+\n", "\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return body[:DECISION_TEXT_MAX]


# --- the checks ------------------------------------------------------------------------------
def meeting_problems(register: Register, v: Values, errors: dict[str, list[str]]) -> None:
    """Why the meeting of a notice, minutes or excerpt cannot be written as read."""
    meeting = meeting_find(register, v.organ, v.date)
    if meeting is not None and meeting.status in IN_PROCESS and v.kind in (Kind.MINUTES, Kind.MINUTES_EXCERPT):
        errors.setdefault("date", []).append(
            _("%(organ)s sammanträde %(day)s hålls i registret (%(status)s): protokollet justeras där, inte genom "
              "inläsning.") % {"organ": meeting.organ.name, "day": v.date, "status": meeting.get_status_display()})


def paragraph_problems(register: Register, v: Values, paragraphs: list[int], errors: dict[str, list[str]],
                       *, case_id: int | None = None) -> None:
    """A § of the organ's year that the register has from another meeting (or
    on another case) cannot be read in again."""
    organ = register.organ_find(v.organ)
    if organ is None or v.date is None or not paragraphs:
        return
    held = Decision.objects.filter(organ=organ, year=decision_year(register, v.date),
                                   paragraph__in=paragraphs).select_related("meeting", "case", "organ")
    for decision in held:
        if decision.meeting.date != v.date:
            errors.setdefault("items", []).append(
                _("%(organ)s § %(paragraph)s år %(year)s finns redan, från sammanträdet %(day)s.")
                % {"organ": organ.code, "paragraph": decision.paragraph, "year": v.date.year,
                   "day": decision.meeting.date})
        elif case_id is not None and decision.case_id not in (None, case_id):
            errors.setdefault("items", []).append(
                _("%(reference)s finns redan, i ärendet %(case)s.")
                % {"reference": decision.reference, "case": decision.case.diary_number})


def item_case_problems(register: Register, v: Values, errors: dict[str, list[str]]) -> None:
    """Each item's diary number names one case of the organisation, or one
    the register can add with that number."""
    seen: set[str] = set()
    for n, item in enumerate(v.items, start=1):
        if not item.diary_number or item.diary_number in seen:
            continue
        seen.add(item.diary_number)
        cases = register.cases_named(item.diary_number)
        if len(cases) > 1:
            errors.setdefault("items", []).append(
                _("Punkt %(n)s: %(number)s kan vara flera ärenden (%(cases)s); skriv diarienumret som ärendet har i "
                  "registret.") % {"n": n, "number": item.diary_number,
                                   "cases": ", ".join(c.diary_number for c in cases)})
        elif not cases:
            taken = number_taken(register, item.diary_number, register.organ_of_code(item.diary_number)
                                 or register.organ_find(v.organ))
            if taken:
                errors.setdefault("items", []).append(_("Punkt %(n)s: %(problem)s") % {"n": n, "problem": taken})


def number_taken(register: Register, diary_number: str, organ) -> str:
    """Why a historic case with this number cannot be added: its running
    number taken in its series by another case ("" when it can)."""
    number = diary_number_of(diary_number)
    if number is None:
        return ""
    code = number.code or (organ.code if organ is not None else "")
    if not code:
        return ""
    taken = Case.objects.filter(series__organisation=register.organisation, series__code__iexact=code,
                                year=number.year, seq=number.seq).first()
    if taken is None:
        return ""
    return _("Löpnummer %(seq)s år %(year)s i diarieserien %(series)s har redan ärendet %(other)s.") % {
        "seq": number.seq, "year": number.year, "series": code, "other": taken.diary_number}


# --- the writes ------------------------------------------------------------------------------
def meeting_write(register: Register, v: Values, proposal: ImportProposal, *, actor,
                  actor_name: str | None) -> tuple[Meeting, list[Case]]:
    """The meeting of a notice or minutes, with its agenda (each item on its
    case, added as the historic case where the register lacks it) and, for
    minutes, attendance, chair, adjusters, the minutes' posting and a decision
    per paragraph. What the meeting already has is kept; only what it lacks
    is filled in. Returns the meeting and the cases its items are on."""
    minutes = v.kind == Kind.MINUTES
    meeting = meeting_ensure(register, v, status=Meeting.Status.ADJUSTED if minutes
                             else Meeting.Status.NOTICE_PUBLISHED)
    changed = []
    for name, value in (("place", v.place), ("start_time", v.start_time), ("end_time", v.end_time)):
        if value and not getattr(meeting, name):
            setattr(meeting, name, value)
            changed.append(name)
    if not minutes and proposal.blob_id and not meeting.notice_blob_id:
        meeting.notice_blob = proposal.blob
        changed.append("notice_blob")
    if minutes:
        changed += _minutes_people(register, v, meeting)
        if meeting.status != Meeting.Status.ADJUSTED:
            meeting.status = Meeting.Status.ADJUSTED
            changed.append("status")
    if changed:
        meeting.save(update_fields=changed)
    if minutes:
        _attendance(register, v, meeting)
        minutes_ensure(register, v, meeting, blob=proposal.blob)
    cases: list[Case] = []
    paragraphs = [i.paragraph for i in v.items if i.paragraph] + list(v.paragraphs)
    taken = set(AgendaItem.objects.filter(meeting=meeting).values_list("position", flat=True))
    for index, item in enumerate(v.items, start=1):
        case = item_case(register, item.diary_number, item.title, v, actor=actor, actor_name=actor_name,
                         proposal=proposal) if item.diary_number else None
        if case is not None and case not in cases:
            cases.append(case)
        agenda_item = _agenda_item(meeting, item.number or item.paragraph or index, item.title, case, taken)
        if minutes and item.paragraph:
            text = item.text or section_text(proposal.text, item.paragraph, paragraphs) or item.title
            decision_write(register, meeting=meeting, paragraph=item.paragraph, title=item.title, text=text,
                           case=case, item=agenda_item)
    return meeting, cases


def meeting_ensure(register: Register, v: Values, *, status: str) -> Meeting:
    organ = register.organ(v.organ, codes=codes_of(v.diary_numbers))
    meeting = Meeting.objects.filter(organisation=register.organisation, organ=organ, date=v.date).order_by(
        "pk").first()
    if meeting is None:
        meeting = Meeting.objects.create(organisation=register.organisation, organ=organ, date=v.date,
                                         status=status, created_at=local_noon(v.date))
        register.note_created("meetings", f"{organ.code} {v.date:%Y-%m-%d}")
    return meeting


def _minutes_people(register: Register, v: Values, meeting: Meeting) -> list[str]:
    changed = []
    if v.chair and not meeting.chair_id:
        meeting.chair = register.person(v.chair)
        changed.append("chair")
    secretary = next((n for n, t in v.signatories if "sekreterare" in (t or "").lower()), "")
    if secretary and not meeting.secretary_id:
        meeting.secretary = register.person(secretary)
        changed.append("secretary")
    if v.adjusters and not meeting.adjusters.exists():
        meeting.adjusters.set([register.person(name) for name in v.adjusters])
    return changed


def _attendance(register: Register, v: Values, meeting: Meeting) -> None:
    """Who sat at the meeting as the minutes list them (members, the chair
    among them, and serving substitutes with whom they replace), unless the
    register has its attendance. Others present (officials, substitutes who
    did not serve) are not seats and are kept in the proposal's values."""
    if Attendance.objects.filter(meeting=meeting).exists():
        return
    rows: dict[int, Attendance] = {}
    chair = register.person(v.chair) if v.chair else None
    for name in v.members:
        person = register.person(name)
        role = Membership.Role.CHAIR if chair is not None and person.pk == chair.pk else Membership.Role.MEMBER
        rows.setdefault(person.pk, Attendance(meeting=meeting, person=person, role=role))
    if chair is not None:
        rows.setdefault(chair.pk, Attendance(meeting=meeting, person=chair, role=Membership.Role.CHAIR))
    for substitute in v.substitutes:
        person = register.person(substitute.name)
        rows.setdefault(person.pk, Attendance(meeting=meeting, person=person, role=Membership.Role.SUBSTITUTE,
                                              replaces=register.person(substitute.replaces)))
    Attendance.objects.bulk_create(rows.values())


def minutes_ensure(register: Register, v: Values, meeting: Meeting, *, blob=None) -> Minutes:
    """The meeting's adjusted minutes, with their posting (anslag) as read;
    what the register has already is kept."""
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    if minutes.adjusted_at is None:
        minutes.adjusted_at = local_noon(v.posted_from or v.date)
    if v.posted_from and minutes.posted_on is None:
        minutes.posted_on = v.posted_from
        minutes.appeal_ends_on = v.posted_from + dt.timedelta(days=APPEAL_DAYS)
    if v.posted_to and minutes.take_down_on is None:
        minutes.take_down_on = v.posted_to
    if blob is not None and minutes.blob_id is None:
        minutes.blob = blob
    minutes.save()
    return minutes


def item_case(register: Register, diary_number: str, title: str, v: Values, *, actor, actor_name,
              proposal: ImportProposal) -> Case:
    """The case an item's diary number names, added as the historic case
    (its number, the item's title, the organ of its code or the meeting's)
    where the register does not have it."""
    cases = register.cases_named(diary_number)
    if cases:
        return cases[0]
    organ = register.organ_of_code(diary_number) or register.organ(v.organ)
    data = case_data(register, diary_number=diary_number, title=title or diary_number, organ=organ, day=v.date)
    return historic_case_write(register, data, proposal=proposal, actor=actor, actor_name=actor_name)


def _agenda_item(meeting: Meeting, position: int, title: str, case: Case | None, taken: set[int]) -> AgendaItem:
    existing = AgendaItem.objects.filter(meeting=meeting, position=position).first()
    if existing is not None and (existing.title == title or (case is not None and existing.case_id == case.pk)):
        if case is not None and existing.case_id is None:
            existing.case = case
            existing.save(update_fields=["case"])
        return existing
    if position in taken:
        position = max(taken) + 1
    taken.add(position)
    return AgendaItem.objects.create(meeting=meeting, position=position, title=title[:TITLE_MAX], case=case)


def decision_write(register: Register, *, meeting: Meeting, paragraph: int, title: str, text: str,
                   case: Case | None, item: AgendaItem | None = None) -> Decision:
    """The decision of § `paragraph` at the meeting, dated by it; one the
    register has (checked to be this meeting's) is kept, given the case and
    agenda item it lacked."""
    year = decision_year(register, meeting.date)
    existing = Decision.objects.filter(organ=meeting.organ, year=year, paragraph=paragraph).first()
    if existing is not None:
        changed = []
        if case is not None and existing.case_id is None:
            existing.case = case
            changed.append("case")
        if item is not None and existing.agenda_item_id is None:
            existing.agenda_item = item
            changed.append("agenda_item")
        if changed:
            existing.save(update_fields=changed)
        return existing
    title = (title or "").strip()[:TITLE_MAX] or f"§ {paragraph}"
    decision = Decision(organisation=register.organisation, organ=meeting.organ, meeting=meeting, agenda_item=item,
                        case=case, year=year, paragraph=paragraph, title=title, text=(text or title)[:DECISION_TEXT_MAX],
                        outcome=Decision.Outcome.ADOPTED, status=Decision.Status.EFFECTIVE,
                        recorded_at=local_noon(meeting.date))
    decision.save()
    counter, _created = ParagraphCounter.objects.select_for_update().get_or_create(organ=meeting.organ, year=year)
    if counter.last < paragraph:  # new paragraphs never clash with the one read in
        counter.last = paragraph
        counter.save(update_fields=["last"])
    register.note_created("decisions", decision.reference)
    return decision
