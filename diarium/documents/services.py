"""Drawing up documents: from a domain object's data to the HTML and the PDF/A
that is registered. The decisions app calls `decisions_document_draw` through
the hook in diarium.core.drawing (see apps.py; the other documents are in
drawers.py); tests and benchmarks call the renderers directly."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.errors import DomainError
from diarium.core.drawing import DrawnUpFile
from diarium.decisions import access as decisions_access

from . import rendering
from .models import DocumentStyle
from .rendering import Metadata


@dataclass(frozen=True)
class RenderedDocument:
    html: str
    pdf: bytes
    metadata: Metadata


def document_render(*, name: str, context: dict, organisation: Organisation, metadata: Metadata,
                    pdf: bool = True) -> RenderedDocument:
    """Render a named template (the organisation's own if it has one) to HTML and PDF/A-3a."""
    html = rendering.render_html(name, context, organisation=organisation, metadata=metadata)
    return RenderedDocument(html=html, pdf=rendering.html_to_pdf(html) if pdf else b"", metadata=metadata)


# --- the officer's report ------------------------------------------------------------------
def officer_report_metadata(*, report, case, organisation: Organisation) -> Metadata:
    kind = _("Tjänsteskrivelse")
    return Metadata(title=f"{kind}: {report.title}", author=organisation.name, diary_number=case.diary_number,
                    date=report.report_date, kind=kind, keywords=(report.addressed_to.name,))


def officer_report_render(*, report, proposals=None, pdf: bool = True) -> RenderedDocument:
    """The officer's report as it is drawn up."""
    case = report.case
    if proposals is None:
        proposals = list(report.proposals.select_related("organ", "condition_organ"))
    lines = [line for line in report.dispatch_to.splitlines() if line.strip()]
    context = {"report": report, "case": case, "proposals": proposals,
               "recipients": decisions_access.dispatch_lines_shown(lines, organisation_id=case.organisation_id)}
    return document_render(name="officer_report", context=context, organisation=case.organisation,
                           metadata=officer_report_metadata(report=report, case=case,
                                                            organisation=case.organisation), pdf=pdf)


# --- the minutes ---------------------------------------------------------------------------
def minutes_metadata(*, meeting, decisions, organisation: Organisation) -> Metadata:
    kind = _("Protokoll")
    paragraphs = ""
    if decisions:
        first, last = decisions[0].paragraph, decisions[-1].paragraph
        paragraphs = f" § {first}" if first == last else f" § {first}–{last}"
    numbers = tuple(dict.fromkeys(d.case.diary_number for d in decisions if d.case_id))
    return Metadata(title=f"{kind} {meeting.organ.name} {meeting.date:%Y-%m-%d}{paragraphs}",
                    author=organisation.name, diary_number=", ".join(numbers), date=meeting.date, kind=kind,
                    keywords=(meeting.organ.name, f"{meeting.organ.code} {meeting.date:%Y-%m-%d}"))


def minutes_render(*, meeting, minutes, decisions, attendance=None, signatures=None, signers=None,
                   pdf: bool = True) -> RenderedDocument:
    """The minutes of a meeting with every paragraph, the signatures and the posting."""
    if attendance is None:
        attendance = list(meeting.attendance.select_related("person", "replaces"))
    if signatures is None:
        signatures = list(minutes.signatures.select_related("person")) if minutes.pk else []
    present = [a for a in attendance if a.present]
    context = {
        "meeting": meeting, "minutes": minutes, "decisions": decisions, "last": decisions[-1] if decisions else None,
        "deciding": [a for a in present if a.role != "substitute"],
        "substitutes": [a for a in present if a.role == "substitute" and a.replaces_id],
        "not_serving": [a for a in present if a.role == "substitute" and not a.replaces_id],
        "absent": [a for a in attendance if not a.present and a.role != "substitute"],
        "adjusters": list(meeting.adjusters.all()), "signatures": signatures,
        # Drawn up for digital adjustment: who is to sign it (each signature goes into the file).
        "signers": signers or [],
    }
    organisation = meeting.organisation
    return document_render(name="minutes", context=context, organisation=organisation,
                           metadata=minutes_metadata(meeting=meeting, decisions=decisions,
                                                     organisation=organisation), pdf=pdf)


# --- the hook the decisions app calls -----------------------------------------------------
def decisions_document_draw(kind: str, context: dict) -> DrawnUpFile:
    """The registered file of a drawn-up officer's report or minutes: PDF/A-3a."""
    if kind == "officer_report":
        rendered = officer_report_render(report=context["report"], proposals=context.get("proposals"))
        filename = "tjansteskrivelse.pdf"
    elif kind == "minutes":
        rendered = minutes_render(meeting=context["meeting"], minutes=context["minutes"],
                                  decisions=context["decisions"], signatures=context.get("signatures"),
                                  signers=context.get("signers"))
        filename = "protokoll.pdf"
    else:
        raise ValueError(f"Unknown drawn-up document {kind!r}")
    return DrawnUpFile(filename=filename, content=rendered.pdf, content_type="application/pdf")


# --- branding -----------------------------------------------------------------------------
@transaction.atomic
def document_style_set(*, organisation: Organisation, primary_colour: str | None = None,
                       footer_text: str | None = None, logo=None, logo_alt: str | None = None) -> DocumentStyle:
    """Set an organisation's logo, colour and footer (the admin does the same)."""
    style, _created = DocumentStyle.objects.get_or_create(organisation=organisation)
    if primary_colour is not None:
        style.primary_colour = primary_colour
    if footer_text is not None:
        style.footer_text = footer_text
    if logo_alt is not None:
        style.logo_alt = logo_alt
    if logo is not None:
        style.logo.save(f"{organisation.slug}-{timezone.now():%Y%m%d%H%M%S}-{logo.name}", logo, save=False)
    try:
        style.full_clean()
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise DomainError(next(iter(errors.values()))[0], errors=errors) from exc
    style.save()
    return style
