"""What the e-archive's tests share (tests/test_archive_export.py and
tests/test_archive_import.py): the files a package carries (a DOCX drawn up,
a PDF/A received), the classification made as rows, the settings of the data
made once per class, and the export command as a user runs it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from diarium.registry.models import Classification


def docx_upload(name="Tjänsteskrivelse Digital målbild.docx") -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    document.core_properties.created = dt.datetime(2018, 8, 23)
    document.core_properties.modified = dt.datetime(2018, 8, 23)
    document.add_heading("Digital målbild för Alingsås kommun", level=1)
    paragraph = document.add_paragraph("Förvaltningen föreslår att ")
    paragraph.add_run("kommunstyrelsen godkänner målbilden").bold = True
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Åtgärd"
    table.cell(0, 1).text = "E-tjänsteplattform"
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def pdfa_upload(name="Yttrande Sambruk.pdf") -> SimpleUploadedFile:
    from weasyprint import HTML

    pdf = HTML(string='<html lang="sv"><head><title>Yttrande</title><meta name="dcterms.created" '
                      'content="2018-06-12"></head><body><p>Sambruk tillstyrker.</p></body></html>'
               ).write_pdf(pdf_variant="pdf/a-2b")
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


def classification(org, code, title, parent, level):
    """A node of the classification scheme (its hierarchy where the registry has one)."""
    hierarchy = {f.name for f in Classification._meta.get_fields()} >= {"parent", "level"}
    extra = {"parent": parent, "level": level} if hierarchy else {}
    return Classification.objects.create(organisation=org, code=code, title=title, **extra)


def world_settings(folder: Path) -> dict:
    """What the suite's autouse fixtures set per test, for data made once per class."""
    from django.conf import settings

    return dict(
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                   "OPTIONS": {"location": str(folder / "files")}}},
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", SITE_URL="http://testserver",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DIARIUM_SEARCH_INDEX_DIR=folder / "search-index", DIARIUM_SEARCH_REBUILD_PROCESSES=0,
    )


def export(out: Path, *args: str) -> str:
    stdout = io.StringIO()
    call_command("archive", "export", *args, "--out", str(out), stdout=stdout)
    return stdout.getvalue()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
