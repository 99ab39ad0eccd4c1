"""The documents drawn up through diarium.core.drawing besides the officer's
report and the minutes (services.py): the minutes excerpt and the meeting notice
(decisions), the remiss letter and the remiss compilation (remiss), and the
yearly follow-up report (plans). Each has a render function, which tests and
benchmarks call, and a drawer (context -> DrawnUpFile) that apps.py registers.
The drawers take the same context the domain app's fallback template gets."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core import drawing
from diarium.core.drawing import DrawnUpFile

from .rendering import Metadata
from .services import RenderedDocument, decisions_document_draw, document_render


def _numbers(cases) -> str:
    return ", ".join(dict.fromkeys(c.diary_number for c in cases if c is not None))


# --- the minutes excerpt ("protokollsutdrag") ---------------------------------------------
def excerpt_render(*, decision, certified_by: str = "", certified_on: dt.date | None = None, recipients=None,
                   notes=None, corrections=None, pdf: bool = True) -> RenderedDocument:
    """One paragraph of adjusted minutes, certified as a true excerpt."""
    meeting, case = decision.meeting, decision.case
    minutes = getattr(meeting, "minutes", None)
    kind = _("Protokollsutdrag")
    metadata = Metadata(
        title=f"{kind} {meeting.organ.name} {meeting.date:%Y-%m-%d} § {decision.paragraph}: {decision.title}",
        author=meeting.organisation.name, diary_number=case.diary_number if case else "",
        date=certified_on or meeting.date, kind=kind,
        keywords=(meeting.organ.name, f"{meeting.organ.code} {meeting.date:%Y-%m-%d} § {decision.paragraph}"),
    )
    context = {
        "decision": decision, "meeting": meeting, "minutes": minutes, "case": case,
        "recipients": list(decision.recipients.all()) if recipients is None else recipients,
        "notes": list(decision.notes.all()) if notes is None else notes,
        "corrections": list(decision.corrections.all()) if corrections is None else corrections,
        "certified_by": certified_by, "certified_on": certified_on,
    }
    return document_render(name="excerpt", context=context, organisation=meeting.organisation, metadata=metadata,
                           pdf=pdf)


def _excerpt_draw(context: dict) -> DrawnUpFile:
    rendered = excerpt_render(decision=context["decision"], certified_by=context.get("certified_by", ""),
                              certified_on=context.get("certified_on"), recipients=context.get("recipients"),
                              notes=context.get("notes"), corrections=context.get("corrections"))
    return DrawnUpFile("protokollsutdrag.pdf", rendered.pdf, "application/pdf")


# --- the notice with the agenda ("kallelse", "föredragningslista") ------------------------
def notice_render(*, meeting, items=None, published_on: dt.date | None = None, pdf: bool = True) -> RenderedDocument:
    """The notice of a meeting with its numbered agenda, as the public sees it."""
    if items is None:
        from diarium.decisions import selectors

        items = selectors.agenda(meeting=meeting, user=None)
    kind = _("Kallelse")
    metadata = Metadata(
        title=f"{kind} {meeting.organ.name} {meeting.date:%Y-%m-%d}", author=meeting.organisation.name,
        diary_number=_numbers(row.item.case for row in items), date=published_on or meeting.date, kind=kind,
        keywords=(_("Föredragningslista"), meeting.organ.name, f"{meeting.organ.code} {meeting.date:%Y-%m-%d}"),
    )
    context = {"meeting": meeting, "items": items, "published_on": published_on}
    return document_render(name="notice", context=context, organisation=meeting.organisation, metadata=metadata,
                           pdf=pdf)


def _notice_draw(context: dict) -> DrawnUpFile:
    rendered = notice_render(meeting=context["meeting"], items=context.get("items"),
                             published_on=context.get("published_on"))
    return DrawnUpFile("kallelse.pdf", rendered.pdf, "application/pdf")


# --- the posting certificate ("bevis om anslag") of digitally signed minutes ---------------
def posting_render(*, meeting, minutes, sha256: str, signatures, pdf: bool = True) -> RenderedDocument:
    """The certificate that the adjustment of signed minutes is posted on the
    notice board: the dates, where the minutes are kept, and which file (its
    SHA-256 and signers) was adjusted. The signed file itself is not drawn
    again, so its signatures stay as they were made."""
    kind = _("Bevis om anslag")
    metadata = Metadata(
        title=f"{kind}: {meeting.organ.name} {meeting.date:%Y-%m-%d}", author=meeting.organisation.name,
        date=minutes.posted_on, kind=kind, keywords=(meeting.organ.name, f"{meeting.organ.code} {meeting.date:%Y-%m-%d}"),
    )
    context = {"meeting": meeting, "minutes": minutes, "sha256": sha256, "signatures": signatures}
    return document_render(name="posting", context=context, organisation=meeting.organisation, metadata=metadata,
                           pdf=pdf)


def _posting_draw(context: dict) -> DrawnUpFile:
    rendered = posting_render(meeting=context["meeting"], minutes=context["minutes"], sha256=context["sha256"],
                              signatures=context["signatures"])
    return DrawnUpFile("anslagsbevis.pdf", rendered.pdf, "application/pdf")


# --- the report of unanswered motions and citizen proposals to the council ----------------
def unanswered_motions_render(*, organ, rows, today: dt.date, pdf: bool = True) -> RenderedDocument:
    """The motions and citizen proposals not yet decided, as the council is told of them."""
    kind = _("Redovisning av obesvarade motioner och medborgarförslag")
    metadata = Metadata(title=f"{kind}: {organ.name} {today:%Y-%m-%d}", author=organ.organisation.name, date=today,
                        kind=kind, keywords=(organ.name, _("Motioner"), _("Medborgarförslag")))
    context = {"organ": organ, "rows": rows, "today": today}
    return document_render(name="unanswered_motions", context=context, organisation=organ.organisation,
                           metadata=metadata, pdf=pdf)


def _unanswered_motions_draw(context: dict) -> DrawnUpFile:
    rendered = unanswered_motions_render(organ=context["organ"], rows=context["rows"], today=context["today"])
    return DrawnUpFile("obesvarade-motioner.pdf", rendered.pdf, "application/pdf")


# --- the remiss letter ("remissbrev", "missiv") -------------------------------------------
def remiss_letter_render(*, round, sent_on: dt.date | None = None, recipients=None, files=None,
                         pdf: bool = True) -> RenderedDocument:
    """The letter of a round to all its recipients. It is the registered (and
    public) outgoing document, so it tells how to answer but never carries a
    recipient's personal answer link: those go only in each recipient's e-mail."""
    case = round.case
    kind = _("Remiss")
    sent_on = sent_on or (timezone.localtime(round.sent_at).date() if round.sent_at else None)
    metadata = Metadata(title=f"{kind}: {round.title}", author=round.organisation.name,
                        diary_number=case.diary_number, date=sent_on, kind=kind,
                        keywords=(_("Sista svarsdag %(date)s") % {"date": round.deadline.isoformat()},))
    context = {
        "round": round, "case": case, "sent_on": sent_on,
        "recipients": list(round.recipients.all()) if recipients is None else recipients,
        "files": list(round.files.select_related("document", "document__case")) if files is None else files,
    }
    return document_render(name="remiss_letter", context=context, organisation=round.organisation,
                           metadata=metadata, pdf=pdf)


def _remiss_letter_draw(context: dict) -> DrawnUpFile:
    rendered = remiss_letter_render(round=context["round"], sent_on=context.get("sent_on"),
                                    recipients=context.get("recipients"), files=context.get("files"))
    return DrawnUpFile("remissbrev.pdf", rendered.pdf, "application/pdf")


# --- the remiss compilation ("remissammanställning") --------------------------------------
def remiss_compilation_render(*, round, rows=None, drawn_up: dt.date | None = None,
                              pdf: bool = True) -> RenderedDocument:
    """Every recipient of a round, its answer and how the office considered it."""
    if rows is None:
        from diarium.remiss import selectors

        rows = selectors.recipient_rows(round, today=drawn_up)
    case = round.case
    kind = _("Remissammanställning")
    metadata = Metadata(title=f"{kind}: {round.title}", author=round.organisation.name,
                        diary_number=case.diary_number, date=drawn_up, kind=kind)
    context = {"round": round, "case": case, "rows": rows, "drawn_up": drawn_up}
    return document_render(name="remiss_compilation", context=context, organisation=round.organisation,
                           metadata=metadata, pdf=pdf)


def _remiss_compilation_draw(context: dict) -> DrawnUpFile:
    rendered = remiss_compilation_render(round=context["round"], rows=context.get("rows"),
                                         drawn_up=context.get("drawn_up"))
    return DrawnUpFile("remissammanstallning.pdf", rendered.pdf, "application/pdf")


# --- the yearly follow-up report ("uppföljningsrapport") ----------------------------------
def follow_up_report_render(*, round, report=None, charts=None, drawn_up: dt.date | None = None,
                            pdf: bool = True) -> RenderedDocument:
    """A plan's follow-up for one year: progress, money and indicators (the public view)."""
    from diarium.plans import selectors

    if report is None:
        report = selectors.follow_up_report_data(round, user=None)
    if charts is None:
        charts = selectors.report_charts(report)
    document = round.document
    kind = _("Uppföljningsrapport")
    metadata = Metadata(title=f"{kind} {round.year}: {document.title}", author=document.case.organisation.name,
                        diary_number=document.case.diary_number, date=drawn_up, kind=kind,
                        keywords=(str(round.year), document.title))
    context = {"round": round, "document": document, "report": report, "charts": charts, "drawn_up": drawn_up}
    return document_render(name="follow_up_report", context=context, organisation=document.case.organisation,
                           metadata=metadata, pdf=pdf)


def _follow_up_report_draw(context: dict) -> DrawnUpFile:
    rendered = follow_up_report_render(round=context["round"], report=context.get("report"),
                                       charts=context.get("charts"), drawn_up=context.get("drawn_up"))
    return DrawnUpFile("uppfoljningsrapport.pdf", rendered.pdf, "application/pdf")


DRAWERS = {
    "officer_report": partial(decisions_document_draw, "officer_report"),
    "minutes": partial(decisions_document_draw, "minutes"),
    "excerpt": _excerpt_draw,
    "notice": _notice_draw,
    "posting": _posting_draw,
    "unanswered_motions": _unanswered_motions_draw,
    "remiss_letter": _remiss_letter_draw,
    "remiss_compilation": _remiss_compilation_draw,
    "follow_up_report": _follow_up_report_draw,
}


def drawers_register() -> None:
    """Fill the drawing hook: every document the domain apps draw up becomes PDF/A."""
    for kind, drawer in DRAWERS.items():
        drawing.register(kind, drawer)
