"""Issue 8, second part: the minutes excerpt, the meeting notice with its agenda,
the remiss letter, the remiss compilation and the yearly follow-up report, drawn
up from the demo data as tagged PDF/A-3a through the drawing hook. Each is
checked for PDF/A, its metadata and the facts a reader needs (pypdf and
pikepdf, see pdf_support.py), and its first page is saved as a PNG."""

import io

import pikepdf
import pytest
from pypdf import PdfReader

from diarium.core import drawing
from diarium.decisions.models import Decision, Meeting
from diarium.documents import drawers
from diarium.plans.models import FollowUpRound
from diarium.registry.files import blob_open
from diarium.remiss import services as remiss
from diarium.remiss.models import RemissRound

from .pdf_support import assert_tagged_pdfa, pdf_text
from .test_documents_pdf import _save_first_page

AUTHOR = "Alingsås kommun"
NUMBER = "2017.676 KS"


def _read(blob) -> bytes:
    with blob_open(blob) as fh:
        return fh.read()


def _latest_file(document):
    return document.files.order_by("position", "-version").select_related("blob").first()


def _preview(pdf: bytes, name: str) -> None:
    png = _save_first_page(pdf, name)
    if png is not None:
        assert png.read_bytes().startswith(b"\x89PNG")
        print(f"\nPDF first page: {png}")


def _uris(pdf: bytes) -> list[str]:
    """Every link target in the PDF's annotations."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [str(a.A.URI) for page in doc.pages for a in page.get("/Annots", [])
                if "/A" in a and "/URI" in a.A]


@pytest.mark.django_db
def test_the_excerpt_and_the_notice_of_ks_2018_09_24(demo):  # noqa: F811
    decision = Decision.objects.select_related("meeting", "case").get(
        organ__code="KS", meeting__date="2018-09-24", paragraph=160)
    excerpt = decision.recipients.exclude(excerpt_document=None).first().excerpt_document
    file = _latest_file(excerpt)
    assert file.filename == "protokollsutdrag.pdf" and file.blob.content_type == "application/pdf"
    pdf = _read(file.blob)
    assert_tagged_pdfa(pdf, title=f"Protokollsutdrag Kommunstyrelsen 2018-09-24 § 160: {decision.title}",
                       author=AUTHOR, subject_contains=NUMBER)
    assert PdfReader(io.BytesIO(pdf)).metadata.creation_date.date().isoformat() == "2018-11-05"  # dispatched
    text = pdf_text(pdf)
    for fact in ("Kommunstyrelsen", "Sammanträdesdatum 2018-09-24", "Paragraf § 160", f"Diarienummer {NUMBER}",
                 "Kommunstyrelsen föreslår kommunfullmäktige besluta:", "KSAU 2018-04-25 § 53",
                 "Beslutet ska skickas till", "Utdragsbestyrkande", "Utdragets riktighet bestyrks.",
                 "Datum 2018-11-05", "Protokollet justerades 2018-09-27"):
        assert fact in text, (fact, text)
    certified_by = text.split("Bestyrkt av", 1)[1].split("Datum", 1)[0].strip()
    assert certified_by and certified_by != "–"
    _preview(pdf, "pdf-protokollsutdrag-KS-2018-09-24-160")

    meeting = Meeting.objects.select_related("organ", "chair").get(organ__code="KS", date="2018-09-24")
    assert meeting.notice_blob is not None and meeting.notice_blob.content_type == "application/pdf"
    notice = _read(meeting.notice_blob)
    assert_tagged_pdfa(notice, title="Kallelse Kommunstyrelsen 2018-09-24", author=AUTHOR, subject_contains=NUMBER)
    assert PdfReader(io.BytesIO(notice)).metadata.creation_date.date().isoformat() == "2018-09-14"  # published
    text = pdf_text(notice)
    for fact in ("Kallelse till sammanträde med Kommunstyrelsen", "Föredragningslista", "2018-09-24", "kl. 13:00",
                 "Stadshuset, sessionssalen", meeting.chair.name, "Ordförande"):
        assert fact in text, (fact, text)
    for item in meeting.items.select_related("case").order_by("position"):
        line = f"{item.position}. {item.title}"
        assert line in text or f"{item.position}. {item.title[:40]}" in text, (line, text)
        if item.case:
            assert item.case.diary_number in text
    _preview(notice, "pdf-kallelse-KS-2018-09-24")


@pytest.mark.django_db
def test_the_remiss_letter_and_compilation_of_2017_676(demo):  # noqa: F811
    round_ = RemissRound.objects.select_related("case", "organisation").get(case__diary_number=NUMBER)
    recipients = list(round_.recipients.select_related("outgoing_document"))
    letters = {r.outgoing_document_id for r in recipients}
    assert len(letters) == 1  # the demo sends by list: one letter with the list of recipients
    file = _latest_file(recipients[0].outgoing_document)
    assert file.filename == "remissbrev.pdf"
    pdf = _read(file.blob)
    assert_tagged_pdfa(pdf, title=f"Remiss: {round_.title}", author=AUTHOR, subject_contains=NUMBER)
    text = pdf_text(pdf)
    for fact in ("Sista svarsdag 2018-05-31", "Svaret ska ha kommit in senast 2018-05-31.", "KSAU 2018-02-28 § 8",
                 "Remisshandlingar", "Så svarar ni", "personlig svarslänk", "Sändlista", f"Diarienummer {NUMBER}"):
        assert fact in text, (fact, text)
    for r in recipients:
        assert r.name in text
    # The registered letter is public: nobody's personal answer link is in it.
    assert "/remissvar/" not in text and "remissvar/" not in pdf.decode("latin-1")
    assert not any("remissvar" in uri for uri in _uris(pdf))
    for r in recipients:
        if r.token_nonce:
            assert r.token_nonce not in text and remiss.answer_token(r) not in text
    _preview(pdf, "pdf-remissbrev-2017-676-KS")

    file = _latest_file(round_.compilation_document)
    assert file.filename == "remissammanstallning.pdf"
    pdf = _read(file.blob)
    assert_tagged_pdfa(pdf, title=f"Remissammanställning: {round_.title}", author=AUTHOR, subject_contains=NUMBER)
    text = pdf_text(pdf)
    assert "Remissammanställning" in text and "Beaktande" in text
    for r in recipients:
        assert r.name in text, r.name
        if r.summary:
            assert r.summary[:40] in text, r.summary
    _preview(pdf, "pdf-remissammanstallning-2017-676-KS")


@pytest.mark.django_db
def test_the_follow_up_reports_of_the_plan(demo):  # noqa: F811
    rounds = list(FollowUpRound.objects.exclude(report_document=None).select_related("document", "document__case"))
    assert rounds
    for round_ in rounds:
        file = _latest_file(round_.report_document)
        assert file.filename == "uppfoljningsrapport.pdf"
        pdf = _read(file.blob)
        case = round_.document.case
        assert_tagged_pdfa(pdf, title=f"Uppföljningsrapport {round_.year}: {round_.document.title}",
                           author=AUTHOR, subject_contains=case.diary_number)
        text = pdf_text(pdf)
        for fact in (f"Uppföljning {round_.year} av", f"Uppföljningsår {round_.year}", case.diary_number,
                     "Sammanfattning", "Aktiviteter", "Budget och utfall"):
            assert fact in text, (fact, text)
    _preview(pdf, f"pdf-uppfoljningsrapport-{rounds[-1].year}")


@pytest.mark.django_db
def test_every_kind_has_a_drawer_and_the_html_renders_for_the_demo(demo):  # noqa: F811
    assert set(drawers.DRAWERS) == {"officer_report", "minutes", "excerpt", "notice", "remiss_letter",
                                    "remiss_compilation", "follow_up_report", "posting", "unanswered_motions"}
    assert all(drawing.drawer(kind) is drawer for kind, drawer in drawers.DRAWERS.items())
    decision = Decision.objects.get(organ__code="KS", meeting__date="2018-09-24", paragraph=160)
    html = drawers.excerpt_render(decision=decision, certified_by="Registrator", pdf=False).html
    assert '<html lang="sv">' in html and "<h1>" in html and "§ 160" in html
    notice = drawers.notice_render(meeting=decision.meeting, pdf=False).html
    assert "<h2>Föredragningslista</h2>" in notice
    minutes = decision.meeting.minutes
    posting = drawers.posting_render(meeting=decision.meeting, minutes=minutes, sha256="ab" * 32,
                                     signatures=list(minutes.signatures.all()), pdf=False).html
    assert "<h1>Bevis om anslag</h1>" in posting and "ab" * 32 in posting
    kf = decision.meeting.organ.organisation.organs.get(code="KF")
    report = drawers.unanswered_motions_render(organ=kf, rows=[], today=decision.meeting.date, pdf=False).html
    assert "Det finns inga obesvarade motioner eller medborgarförslag." in report
    round_ = RemissRound.objects.get(case__diary_number=NUMBER)
    assert "/remissvar/" not in drawers.remiss_letter_render(round=round_, pdf=False).html
