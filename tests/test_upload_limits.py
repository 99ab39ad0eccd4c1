"""Requests too large to take, and the temporary files of uploads.

A client declaring a 50 GB body gets a 413 before a byte of it is read, and an
upload's temporary file does not outlive its request, nor a process that died
in the middle of one.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent
FIFTY_GB = 50 * 1024**3


class UnreadableBody:
    """A request body that must not be read: the answer comes from the header."""

    def read(self, *args):
        raise AssertionError("the body of an oversized request was read")

    readline = read


def _declared(client, url, length: int, **extra):
    return client.generic("POST", url, b"x", content_type="multipart/form-data; boundary=B",
                          CONTENT_LENGTH=str(length), **{"wsgi.input": UnreadableBody()}, **extra)


@pytest.mark.django_db
def test_a_request_declaring_50_gb_gets_413_before_its_body_is_read(client, registrar, ks):
    case = f.case(registrar, ks)
    document = f.document(registrar, case)
    client.force_login(registrar)
    page = _declared(client, reverse("registry:document_file_add", args=[document.pk]), FIFTY_GB)
    assert page.status_code == 413
    assert "för stor" in page.content.decode()
    api = _declared(client, f"/api/documents/{document.pk}/files", FIFTY_GB)
    assert api.status_code == 413
    assert "för stor" in api.json()["detail"]
    # Anonymous too (nothing is read to find out who asks).
    client.logout()
    assert _declared(client, "/konto/logga-in/", FIFTY_GB).status_code == 413


@pytest.mark.django_db
def test_a_request_within_the_limit_is_read(client, registrar, ks, settings):
    settings.DIARIUM_MAX_UPLOAD_BYTES = 1000
    case = f.case(registrar, ks)
    document = f.document(registrar, case)
    client.force_login(registrar)
    url = reverse("registry:document_file_add", args=[document.pk])
    response = client.post(url, {"file": f.text_file("bilaga.txt", "Bilaga.\n")})
    assert response.status_code == 302
    # Over the limit plus the form fields' allowance: refused by the header.
    over = settings.DIARIUM_MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    assert _declared(client, url, over).status_code == 413


@pytest.fixture
def upload_tmp(settings, tmp_path):
    """Every upload goes through a temporary file, in a folder of this test's own."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


@pytest.mark.django_db
def test_no_temporary_file_remains_after_a_refused_or_broken_upload(client, registrar, ks, upload_tmp):
    case = f.case(registrar, ks)
    document = f.document(registrar, case)
    client.force_login(registrar)
    url = reverse("registry:document_file_add", args=[document.pk])
    refused = client.post(url, {"file": SimpleUploadedFile("program.exe", b"MZ\x90\x00" + b"\x00" * 300)})
    assert refused.status_code == 400
    # A body cut off in the middle of the file (the client went away).
    body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"brev.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\n" + b"Hej!\n" * 2000)
    broken = client.generic("POST", url, body, content_type="multipart/form-data; boundary=B")
    assert broken.status_code < 500
    assert list(upload_tmp.iterdir()) == []


def test_temporary_files_of_a_killed_process_are_removed_at_the_next_start(tmp_path):
    """A process killed while it holds an upload leaves its temporary file; the
    next start removes it once it is stale, and leaves one being written now."""
    env = {k: v for k, v in os.environ.items() if k not in ("DIARIUM_UPLOAD_TEMP_DIR", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DIARIUM_VAR_DIR=str(tmp_path / "var"),
               TMPDIR=str(tmp_path / "tmp"), DJANGO_SECRET_KEY="x" * 50)
    (tmp_path / "tmp").mkdir()
    killed = textwrap.dedent("""
        import os, signal, django
        django.setup()
        from django.test import RequestFactory
        from django.conf import settings
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
        from django.core.files.uploadedfile import SimpleUploadedFile
        request = RequestFactory().post("/", {"file": SimpleUploadedFile("brev.txt", b"Hej!" * 1000)})
        print(request.FILES["file"].temporary_file_path(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", killed], cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                            timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr
    left = Path(result.stdout.strip())
    assert left.exists()  # what a crash leaves behind
    an_hour_ago = time.time() - 2 * 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    current = left.with_name("tmp-now.upload.txt")
    current.write_bytes(b"an upload in progress")
    started = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, check=False,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    assert not left.exists()
    assert current.exists()
