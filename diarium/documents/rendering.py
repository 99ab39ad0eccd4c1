"""Render a named document template to HTML and to tagged PDF/A-3a.

The HTML is the document; the PDF is WeasyPrint's rendering of it. Everything
the PDF needs comes in the HTML: the language (`<html lang="sv">`, the PDF's
/Lang), the title and author, the subject and keywords carrying the diary
number, and the creation date (the document's own date, not the moment of
rendering, so the same document renders to the same metadata). Fonts are the
system's (fontconfig) and WeasyPrint embeds the subsets it uses. The logo is
inlined as a data: URI and the renderer fetches nothing else: a template, even
an organisation's own, cannot make the server fetch a URL or read a file.
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.template import TemplateSyntaxError, engines
from django.template.loader import get_template
from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation

from .models import TEMPLATE_CHOICES, DocumentStyle, TemplateOverride

TEMPLATES = {name: f"documents/{name}.html" for name, _label in TEMPLATE_CHOICES}
PDF_VARIANT = "pdf/a-3a"  # PDF/A-3 level A: tagged, with /Lang, structure and reading order
DEFAULT_COLOUR = "#1b4f72"


@dataclass(frozen=True)
class Metadata:
    """What the PDF's Info dictionary and XMP say about the document."""

    title: str
    author: str
    diary_number: str = ""
    date: dt.date | None = None
    kind: str = ""  # "Tjänsteskrivelse", "Protokoll"…
    keywords: tuple[str, ...] = field(default_factory=tuple)

    @property
    def subject(self) -> str:
        parts = [self.kind, _("diarienummer %(number)s") % {"number": self.diary_number} if self.diary_number else ""]
        return ", ".join(p for p in parts if p)

    @property
    def keyword_line(self) -> str:
        return ", ".join(k for k in (self.diary_number, self.kind, *self.keywords) if k)


@dataclass(frozen=True)
class Branding:
    colour: str = DEFAULT_COLOUR
    footer: str = ""
    logo_uri: str = ""
    logo_alt: str = ""


def branding_for(organisation: Organisation) -> Branding:
    style = DocumentStyle.objects.filter(organisation=organisation).first()
    if style is None:
        return Branding(logo_alt=organisation.name)
    logo_uri = ""
    if style.logo:
        content_type = mimetypes.guess_type(style.logo.name)[0] or "application/octet-stream"
        with style.logo.open("rb") as fh:
            logo_uri = f"data:{content_type};base64,{base64.b64encode(fh.read()).decode('ascii')}"
    return Branding(colour=style.primary_colour or DEFAULT_COLOUR, footer=style.footer_text, logo_uri=logo_uri,
                    logo_alt=style.logo_alt or organisation.name)


def template_check(html: str) -> None:
    """Refuse an organisation's template that does not compile."""
    try:
        engines["django"].from_string(html)
    except TemplateSyntaxError as exc:
        raise ValidationError({"html": _("Mallen kan inte läsas: %(error)s") % {"error": exc}}) from exc


def _template(name: str, organisation: Organisation):
    if name not in TEMPLATES:
        raise ValueError(f"Unknown document template {name!r}")
    override = TemplateOverride.objects.filter(organisation=organisation, name=name).first()
    if override is not None:
        return engines["django"].from_string(override.html)
    return get_template(TEMPLATES[name])


def render_html(name: str, context: dict, *, organisation: Organisation, metadata: Metadata) -> str:
    """The document as HTML: the organisation's own template if it has one."""
    context = {**context, "organisation": organisation, "meta": metadata, "brand": branding_for(organisation)}
    return _template(name, organisation).render(context)


def html_to_pdf(html: str) -> bytes:
    """Tagged PDF/A-3a bytes of a document's HTML."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
