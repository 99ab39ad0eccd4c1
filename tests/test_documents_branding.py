"""Issue 8: an organisation sets its logo, colour, footer and its own templates
without code, and a template fetches nothing from outside."""

import datetime as dt
import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from diarium.core import drawing
from diarium.core.errors import DomainError
from diarium.decisions import services as decisions
from diarium.documents import rendering
from diarium.documents import services as documents
from diarium.documents.models import TemplateOverride

from . import factories as f
from .pdf_support import assert_tagged_pdfa, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(org, ks, registrar):
    case = f.case(registrar, ks)
    return decisions.officer_report_create(
        actor=registrar, case=case, title="Digital målbild för Alingsås kommun – öppen och smart", addressed_to=ks,
        background="Kommunfullmäktige antog den 13 december 2017, § 251 Flerårsstrategi 2018–2020.",
        proposals=[decisions.ProposalInput(organ=ks, text="Handlingsplanen godkänns.")],
        signatories=[decisions.Signatory("Anneli Schwartz", "Tf. Kommundirektör")], report_date=dt.date(2018, 8, 23),
    )


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 90, 140)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _images(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return sum(1 for page in doc.pages for x in page.Resources.get("/XObject", {}).values()
                   if x.get("/Subtype") == "/Image")


def test_logo_colour_and_footer_come_from_the_organisations_style(org, report):
    plain = documents.officer_report_render(report=report)
    assert _images(plain.pdf) == 0 and "#1b4f72" in plain.html
    documents.document_style_set(organisation=org, primary_colour="#005a8c", footer_text="Alingsås kommun, 441 81 "
                                 "Alingsås, 0322-61 60 00", logo=_png(), logo_alt="Alingsås kommuns logotyp")
    branded = documents.officer_report_render(report=report)
    assert "#005a8c" in branded.html and 'alt="Alingsås kommuns logotyp"' in branded.html
    assert _images(branded.pdf) == 1
    assert "0322-61 60 00" in pdf_text(branded.pdf)
    assert_tagged_pdfa(branded.pdf, title=f"Tjänsteskrivelse: {report.title}", author=org.name,
                       subject_contains=report.case.diary_number)


def test_a_colour_is_checked_before_it_reaches_the_stylesheet(org):
    with pytest.raises(DomainError, match="#RRGGBB"):
        documents.document_style_set(organisation=org, primary_colour="red; } body { display: none")


def test_an_organisation_replaces_a_template_and_it_is_checked(org, report):
    TemplateOverride.objects.create(organisation=org, name="officer_report", html=(
        '{% extends "documents/base.html" %}{% block content %}<h1>Egen mall: {{ report.title }}</h1>'
        "<h2>Ärendebeskrivning</h2><p>{{ report.background }}</p>{% endblock %}"))
    rendered = documents.officer_report_render(report=report)
    assert "Egen mall: Digital målbild" in pdf_text(rendered.pdf)
    assert "Tf. Kommundirektör" not in rendered.html  # the organisation's template has no signatures
    broken = TemplateOverride(organisation=org, name="minutes", html="{% block content %}")
    with pytest.raises(ValidationError):
        broken.full_clean()


def test_a_template_cannot_make_the_server_fetch_anything(org, report, tmp_path):
    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10)).save(secret)
    TemplateOverride.objects.create(organisation=org, name="officer_report", html=(
        '{% extends "documents/base.html" %}{% block content %}<h1>{{ report.title }}</h1>'
        f'<p><img src="file://{secret}" alt=""><img src="http://127.0.0.1:9/x.png" alt=""></p>'
        "{% endblock %}"))
    rendered = documents.officer_report_render(report=report)
    assert _images(rendered.pdf) == 0


def test_the_report_is_registered_as_pdf_without_the_documents_hook_it_falls_back_to_html(registrar, ks, report):
    assert report.document.files.get().filename == "tjansteskrivelse.pdf"
    drawer = drawing.drawer("officer_report")
    drawing.register("officer_report", None)
    try:
        again = decisions.officer_report_create(
            actor=registrar, case=report.case, title="Utan dokumentmodulen", addressed_to=ks, background="Text.",
            proposals=[decisions.ProposalInput(organ=ks, text="Godkänns.")])
    finally:
        drawing.register("officer_report", drawer)
    assert again.document.files.get().filename == "tjansteskrivelse.html"


def test_unknown_templates_are_refused(org):
    with pytest.raises(ValueError):
        rendering.render_html("kallelse", {}, organisation=org, metadata=rendering.Metadata(title="x", author="y"))
