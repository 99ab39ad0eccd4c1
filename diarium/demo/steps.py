"""The demo's dated steps: each part of a case (documents, the remiss round, the
officer's report, meetings and decisions, the vision and the action plan) as
(when, step) pairs that call the services with historic times; loader.py runs a
case's steps in the order they happened. Every e-mail the steps queue is
"sent" at once, on the historic day, through a connection that sends nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import get_connection

from diarium.accounts.models import Organ, Person, User
from diarium.decisions import services as decisions
from diarium.decisions.models import (
    Assignment,
    Decision,
    DecisionNote,
    DecisionRecipient,
    Membership,
    Proposal,
    Signature,
)
from diarium.plans import services as plans
from diarium.plans.models import FollowUpRound, SteeringDocument
from diarium.registry import services as registry
from diarium.registry.models import Case, Document, DocumentFile, DocumentType
from diarium.remiss import services as remiss
from diarium.remiss.models import RemissRecipient, RemissRound

from .specs import (
    BOARDS,
    ActionSpec,
    AnswerSpec,
    DecisionSpec,
    DocumentSpec,
    FollowUpSpec,
    MeetingSpec,
    PlanSpec,
    RemissSpec,
    ReportSpec,
    at,
    report_text,
    seed,
    seed_file,
)

REPORT_FILENAME = "tjansteskrivelse-2017-676-KS.txt"


def _file(filename: str, description: str, content: str | None = None) -> SimpleUploadedFile:
    """A text file: the officer's report, a file of seed/ (`content`) or an example text."""
    if filename == REPORT_FILENAME:
        text = report_text()
    elif content:
        text = seed_file(content)
    else:
        text = f"Exempeldata: påhittat innehåll för demonstrationen.\n\n{description}\n"
    return SimpleUploadedFile(filename, text.encode("utf-8"), content_type="text/plain")


def document_load(doc: DocumentSpec, *, case: Case, registrar: User,
                  document_types: Mapping[str, DocumentType]) -> Document:
    """`document_types`: the organisation's document types by name, which `doc.document_type` names."""
    files = [_file(doc.filename, doc.description, doc.content)] if doc.filename else []
    document = registry.document_register(
        actor=registrar, case=case, direction=doc.direction, document_date=doc.dated or doc.registered.date(),
        description=doc.description, counterpart=doc.counterpart, counterpart_is_private=doc.private,
        document_type=document_types[doc.document_type] if doc.document_type else None,
        files=files, registered_at=doc.registered,
    )
    if doc.secret:
        ground, masked = doc.secret
        registry.document_mark_secret(actor=registrar, document=document, ground=ground, masked_fields=masked)
    return document




def remiss_steps(spec: RemissSpec, *, case: Case, organs: dict[str, Organ], registrar: User,
                  officer: User) -> list[tuple[dt.datetime, Callable[[], object]]]:
    """The round as dated steps through the remiss services: the case officer runs
    it, the registrar registers answers that came by post or e-mail, the others
    answer through their personal links. Every service gets the historic time."""
    state: dict[str, RemissRound] = {}
    # The letters are "sent" through a connection that sends nothing: the demo must
    # not mail the example addresses (nor print 13 letters on the console).
    no_mail = get_connection("django.core.mail.backends.dummy.EmailBackend")

    def round_now() -> RemissRound:  # the round as the database has it after the previous step
        state["round"].refresh_from_db()
        return state["round"]

    def recipient(code: str) -> RemissRecipient:
        return state["round"].recipients.get(organ=organs[code])

    def create():
        consulted = DocumentFile.objects.get(document__case=case, filename=spec.consulted)
        state["round"] = remiss.remiss_create(
            actor=officer, case=case, title=spec.title, letter=spec.letter, deadline=spec.deadline,
            recipients=[remiss.RecipientInput(organ=organs[o.code]) for o in seed().organs
                        if o.kind in spec.recipient_kinds],
            files=[consulted], ordered_by=spec.ordered_by, dispatch_mode=RemissRound.DispatchMode.LIST,
            now=spec.created,
        )

    def send():
        round_ = remiss.remiss_send(actor=officer, round=round_now(), now=spec.sent)
        # remiss_send queued one letter per recipient; deliver them now, on the
        # historic day. The queued tasks find them sent (and the round closed) and
        # send nothing when a worker runs later.
        for pk in round_.recipients.values_list("pk", flat=True):
            remiss.remiss_deliver(pk, "letter", now=spec.sent + dt.timedelta(minutes=5), connection=no_mail)

    def extend():
        when, deadline, reason, decision_ref = spec.extend
        remiss.remiss_extend(actor=officer, round=round_now(), deadline=deadline, reason=reason,
                             decision_ref=decision_ref, now=when)

    def answer(a: AnswerSpec):
        text = f"{a.text}\n\nExempeldata: svaret är påhittat för demonstrationen."
        files = [SimpleUploadedFile(a.filename, text.encode("utf-8"), content_type="text/plain")] if a.filename else []
        text = "" if a.filename else text
        if a.by_link:
            remiss.remiss_answer_by_link(
                token=remiss.answer_token(recipient(a.organ)), files=files, text=text, decision_ref=a.decision_ref,
                answered_by=a.answered_by, declined=a.declined, now=a.received,
            )
        else:
            remiss.remiss_answer_inside(
                actor=registrar, recipient=recipient(a.organ), files=files, text=text, decision_ref=a.decision_ref,
                declined=a.declined, received_on=a.received.date(), now=a.received,
            )

    def assess():
        for i, a in enumerate(spec.answers):
            remiss.remiss_assess(actor=officer, recipient=recipient(a.organ), summary=a.summary,
                                 consideration=a.consideration, comment=a.comment,
                                 now=spec.assessed + dt.timedelta(minutes=i))

    def compile_():
        remiss.remiss_compile(actor=officer, round=round_now(), now=spec.compiled)

    def revise():
        round_ = round_now()
        remiss.remiss_revise(
            actor=officer, round=round_, consulted=round_.files.get(filename=spec.consulted),
            upload=SimpleUploadedFile(spec.consulted, spec.revised_text.encode("utf-8"), content_type="text/plain"),
            note=spec.revision_note,
            changes=[remiss.ChangeInput(c.description, [recipient(code).pk for code in c.organs])
                     for c in spec.changes],
            now=spec.revised,
        )

    def close():
        remiss.remiss_close(actor=officer, round=round_now(), now=spec.closed)

    return [
        (spec.created, create), (spec.sent, send), (spec.extend[0], extend),
        *((a.received, partial(answer, a)) for a in spec.answers),
        (spec.assessed, assess), (spec.compiled, compile_), (spec.revised, revise), (spec.closed, close),
    ]


# --- the officer's report, meetings and decisions --------------------------------------------
def _report_section(text: str, heading: str, next_heading: str) -> str:
    """The paragraphs of the seed report between two of its headings, verbatim."""
    lines = text.splitlines()
    start, end = lines.index(heading) + 1, lines.index(next_heading)
    return "\n".join(lines[start:end]).strip()


def report_load(spec: ReportSpec, *, case: Case, organs: dict[str, Organ], officer: User):
    """The report of 2018-08-23 through officer_report_create: its background and
    opinion are the report's own sections, its proposals and recipients those of
    part A. The original text goes on the same document as a second file: one
    report, one registered document."""
    text = report_text()
    for _, proposal, _, _ in spec.proposals:
        if proposal not in text:
            raise RuntimeError(f"Demo report: the proposal {proposal!r} is not in the seed text")
    report = decisions.officer_report_create(
        actor=officer, case=case, title=spec.title, addressed_to=organs[spec.addressed_to],
        background=_report_section(text, "Ärendebeskrivning", "Förvaltningens yttrande"),
        opinion=_report_section(text, "Förvaltningens yttrande", "Förslag till beslut"),
        proposals=[decisions.ProposalInput(organ=organs[organ], text=proposal, condition_organ=organs.get(condition),
                                           condition_text=condition_text)
                   for organ, proposal, condition, condition_text in spec.proposals],
        dispatch_to=spec.dispatch_to, signatories=[decisions.Signatory(n, t) for n, t in spec.signatories],
        office=spec.office, report_date=spec.written.date(), now=spec.written,
    )
    registry.document_file_add(actor=officer, document=report.document, upload=_file(REPORT_FILENAME, ""),
                               at=spec.written)
    return report


def _recipient_inputs(codes: tuple[str, ...], *, organs: dict[str, Organ],
                      people: dict[str, Person]) -> list[decisions.RecipientInput]:
    out = []
    for code in codes:
        if code == BOARDS:
            out += [decisions.RecipientInput(organ=organs[o.code]) for o in seed().organs if o.kind == Organ.Kind.BOARD]
        elif code in organs:
            out.append(decisions.RecipientInput(organ=organs[code]))
        else:
            out.append(decisions.RecipientInput(person=people[code]))
    return out


def meeting_steps(spec: MeetingSpec, *, case: Case, organs: dict[str, Organ], people: dict[str, Person],
                   admin: User, registrar: User,
                   recorded: dict[str, Decision]) -> list[tuple[dt.datetime, Callable[[], object]]]:
    """A meeting as dated steps through the decision services: plan it with its
    agenda, publish the notice, open it, record the decisions with the paragraph
    numbers of the story, close it, sign and adjust the minutes, dispatch."""
    organ = organs[spec.organ]
    opened = at(spec.date.year, spec.date.month, spec.date.day, spec.start.hour, spec.start.minute)
    closed = at(spec.date.year, spec.date.month, spec.date.day, spec.end.hour, spec.end.minute)
    if len(spec.signed) != 1 + len(spec.adjusters):
        raise RuntimeError(f"Demo meeting {spec.organ} {spec.date}: one signature for the chair and each adjuster")
    state: dict = {"items": {}, "decisions": {}}
    # The excerpts are "e-mailed" through a connection that sends nothing, on the
    # historic day: the demo must not mail the example addresses.
    no_mail = get_connection("django.core.mail.backends.dummy.EmailBackend")

    def meeting():
        state["meeting"].refresh_from_db()
        return state["meeting"]

    def plan():
        state["meeting"] = decisions.meeting_create(
            actor=registrar, organ=organ, date=spec.date, start_time=spec.start, end_time=spec.end,
            place=spec.place, secretary=people[seed().secretary], adjusters=[people[n] for n in spec.adjusters],
            now=spec.planned,
        )
        for d in spec.decisions:
            documents = [doc for doc in case.documents.filter(is_secret=False).order_by("number")
                         if doc.description.startswith(d.documents)] if d.documents else []
            if d.follow_up:
                round_ = FollowUpRound.objects.get(document__case=case, year=d.follow_up,
                                                   kind=FollowUpRound.Kind.YEARLY)
                item = plans.report_to_agenda(actor=registrar, round=round_, meeting=state["meeting"],
                                              now=spec.planned)
            elif d.proposal:
                proposal = Proposal.objects.get(case=case, organ=organ, **(
                    {"report__isnull": False} if d.proposal == "report" else {"from_decision__isnull": False}))
                item = decisions.proposal_to_agenda(actor=registrar, proposal=proposal, meeting=state["meeting"],
                                                    documents=documents, now=spec.planned)
            else:
                item = decisions.agenda_item_add(actor=registrar, meeting=state["meeting"], title=d.title, case=case,
                                                 documents=documents, now=spec.planned)
            state["items"][d.paragraph] = item

    def notice():
        decisions.meeting_publish_notice(actor=registrar, meeting=meeting(), now=spec.notice)

    def open_():
        m = decisions.meeting_open(actor=registrar, meeting=meeting(), now=opened)
        # The members take part; the substitutes are there but do not serve.
        decisions.attendance_set(actor=registrar, meeting=m, present_ids=list(
            m.attendance.exclude(role=Membership.Role.SUBSTITUTE).values_list("person_id", flat=True)), now=opened)

    def record(d: DecisionSpec):
        # The organ's earlier paragraphs that year are outside the demo: move the
        # counter to just before the paragraph of the story.
        decisions.paragraph_counter_set(actor=admin, organ=organ, year=spec.date.year, last=d.paragraph - 1)
        condition_organ, condition_text = (organs[d.condition[0]], d.condition[1]) if d.condition else (None, "")
        decision = decisions.decision_record(
            actor=registrar, meeting=meeting(), title=d.title, text=d.text, agenda_item=state["items"][d.paragraph],
            case=case, condition_organ=condition_organ, condition_text=condition_text,
            notes=[decisions.NoteInput(DecisionNote.Kind.NOTE, d.note)],
            recipients=_recipient_inputs(d.recipients, organs=organs, people=people),
            forward=decisions.ForwardInput(organ=organs[d.forward[0]], text=d.forward[1]) if d.forward else None,
            assignments=[decisions.AssignmentInput(organ=organs[code], description=text)
                         for code, text in d.assignments],
            now=d.recorded,
        )
        if decision.paragraph != d.paragraph:
            raise RuntimeError(f"Demo decision {d.title!r} got § {decision.paragraph}, expected § {d.paragraph}")
        state["decisions"][d.paragraph] = recorded[decision.reference] = decision

    def close():
        decisions.meeting_close(actor=registrar, meeting=meeting(), now=closed)

    def sign(adjuster: str | None, when: dt.datetime):
        m = meeting()
        person, role = (people[adjuster], Signature.Role.ADJUSTER) if adjuster else (m.chair, Signature.Role.CHAIR)
        decisions.minutes_sign(actor=registrar, meeting=m, person=person, role=role, posted_on=spec.posted, now=when)

    def dispatch(d: DecisionSpec):
        decision = state["decisions"][d.paragraph]
        decision.refresh_from_db()
        decisions.decision_dispatch(actor=registrar, decision=decision, now=d.dispatched)
        # decision_dispatch queued one e-mail per recipient with an address; send
        # them now, on the historic day. The queued tasks then find them sent.
        for pk in decision.recipients.filter(state=DecisionRecipient.State.QUEUED).values_list("pk", flat=True):
            decisions.excerpt_deliver(pk, now=d.dispatched + dt.timedelta(minutes=5), connection=no_mail)

    return [
        (spec.planned, plan), (spec.notice, notice), (opened, open_),
        *((d.recorded, partial(record, d)) for d in spec.decisions),
        (closed, close),
        *((when, partial(sign, adjuster, when)) for adjuster, when in zip((None, *spec.adjusters), spec.signed)),
        *((d.dispatched, partial(dispatch, d)) for d in spec.decisions if d.dispatched),
    ]


def assignment_link(reference: str, *, case: Case, officer: User, when: dt.datetime,
                     recorded: dict[str, Decision]) -> None:
    """The case answers the assignments the decision gave its organ."""
    for assignment in Assignment.objects.filter(decision=recorded[reference], organ=case.organ):
        decisions.assignment_link_case(actor=officer, assignment=assignment, case=case, now=when)


def plan_steps(spec: PlanSpec, *, case: Case, organs: dict[str, Organ], people: dict[str, Person], registrar: User,
                officer: User, recorded: dict[str, Decision]) -> list[tuple[dt.datetime, Callable[[], object]]]:
    """The vision and the action plan as dated steps through the plan services:
    the case officer builds them, KS § 160 and KF § 190 adopt them, two yearly
    follow-ups ask those responsible, whose answers come in (one late), and the
    reports go to KS. The requests are "e-mailed" through a connection that
    sends nothing, on the historic day, and each round is closed, so the queued
    tasks find nothing to send when a worker runs later."""
    state: dict = {"actions": {}, "indicators": []}
    no_mail = get_connection("django.core.mail.backends.dummy.EmailBackend")
    every_action = [(a, g) for fa in spec.focus_areas for g in fa.goals for a in g.actions]

    def action_save(a: ActionSpec, goal, end: dt.date, budgets, when: dt.datetime, action=None):
        return plans.action_save(
            actor=officer, goal=goal, title=a.title, responsible_organ=organs[a.organ],
            responsible_person=people[a.person], start=a.start, end=end, funding_source=spec.funding,
            description=(f"Åtgärd {a.number} i handlingsplanen."
                         + (f" Ansvariga: {a.also}." if a.also else "")
                         + " Exempeldata: ansvarig, tider och budget är påhittade för demonstrationen."),
            internal_note=a.internal_note, budgets=[plans.BudgetInput(y, d, i) for y, d, i in budgets],
            action=action, now=when,
        )

    def create():
        tick = iter(range(1000))

        def when():
            return spec.created + dt.timedelta(minutes=next(tick))

        common = dict(actor=officer, case=case, period_start=2019, period_end=2021,
                      process_owner=people[spec.process_owner], process_owner_role=spec.process_owner_role)
        vision = state["vision"] = plans.plan_create(
            kind=SteeringDocument.Kind.VISION, title=spec.vision_title, owner_organ=organs["KF"], now=when(),
            description=spec.vision_description, **common)
        for fa in spec.focus_areas:
            plans.focus_area_save(actor=officer, document=vision, title=fa.title, description=fa.vision, now=when())
        plan = state["plan"] = plans.plan_create(
            kind=SteeringDocument.Kind.ACTION_PLAN, title=spec.plan_title, owner_organ=organs["KS"], parent=vision,
            weighting=SteeringDocument.Weighting.BUDGET, follow_up_months=12, now=when(),
            description=spec.plan_description, **common)
        for fa in spec.focus_areas:
            area = plans.focus_area_save(actor=officer, document=plan, title=fa.title, description=fa.vision,
                                         now=when())
            for g in fa.goals:
                goal = plans.goal_save(actor=officer, focus_area=area, title=g.title, now=when())
                for ind in g.indicators:
                    indicator = plans.indicator_save(
                        actor=officer, goal=goal, name=ind.name, unit=ind.unit, baseline=ind.baseline,
                        baseline_year=2018, targets={str(2019 + i): t for i, t in enumerate(ind.targets)},
                        now=when())
                    state["indicators"].append((ind, indicator))
                for a in g.actions:
                    state["actions"][a.number] = action_save(a, goal, a.end, a.budgets, when())

    def adopt(document_key: str, when: dt.datetime, reference: str, note: str = ""):
        plans.plan_adopt(actor=officer, document=state[document_key], decision=recorded[reference], note=note,
                         now=when)

    def round_of(year: int) -> FollowUpRound:
        return FollowUpRound.objects.get(document=state["plan"], year=year, kind=FollowUpRound.Kind.YEARLY)

    def open_(f: FollowUpSpec):
        round_ = plans.follow_up_open(actor=officer, document=state["plan"], year=f.year, deadline=f.deadline,
                                      reminder_days_before=7, now=f.opened)
        for pk in round_.requests.values_list("pk", flat=True):
            plans.request_deliver(pk, "request", now=f.opened + dt.timedelta(minutes=5), connection=no_mail)

    def answer(f: FollowUpSpec, name: str, when: dt.datetime):
        person = people[name]
        index = f.year - 2019
        reports = []
        for a, _goal in every_action:
            if a.person != name:
                continue
            r = a.reports[index]
            reports.append(plans.ActionReportInput(
                action=state["actions"][a.number], status=r.status, progress=r.progress,
                used_operating=r.used[0], used_investment=r.used[1], comment=r.comment, comment_internal=r.internal))
        # Those with a login answer themselves; for the others the plan's case
        # officer records the answer they sent in.
        plans.follow_up_answer(actor=person.user or officer, round=round_of(f.year), reports=reports, now=when)

    def values(f: FollowUpSpec):
        measured = [plans.IndicatorValueInput(indicator, ind.measured[f.year - 2019])
                    for ind, indicator in state["indicators"]]
        plans.follow_up_answer(actor=officer, round=round_of(f.year), values=measured, now=f.values)

    def close(f: FollowUpSpec):
        plans.follow_up_close(actor=officer, round=round_of(f.year), now=f.closed)

    def report(f: FollowUpSpec):
        plans.follow_up_report(actor=officer, round=round_of(f.year), now=f.report)

    def revise():
        for i, (a, _goal) in enumerate(every_action):
            if a.revised:
                action = state["actions"][a.number]
                end, budgets = a.revised
                action_save(a, action.goal, end, budgets, spec.revised + dt.timedelta(minutes=i), action=action)

    steps = [
        (spec.created, create),
        (spec.plan_adopted[0], partial(adopt, "plan", *spec.plan_adopted)),
        (spec.vision_adopted[0], partial(adopt, "vision", *spec.vision_adopted)),
        (spec.revised, revise),
        (spec.revision_adopted[0], partial(adopt, "plan", *spec.revision_adopted)),
    ]
    for f in spec.follow_ups:
        steps += [(f.opened, partial(open_, f)),
                  *((when, partial(answer, f, name, when)) for name, when in f.answered),
                  (f.values, partial(values, f)), (f.closed, partial(close, f)), (f.report, partial(report, f))]
    return steps
