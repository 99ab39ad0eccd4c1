"""Files in S3-compatible object storage (DIARIUM_STORAGE=s3), and the store
refusing writes for a while: nothing half-stored, a 503 with Retry-After and a
Swedish message (a page, or the API's JSON error), no diary number taken; and
once the store is back, the same upload goes through.

The store is moto's S3 server (`moto_server`), started once for the module,
behind a small proxy (tests/s3_support.py) that passes requests on or refuses
them as a failing store does: 503 ServiceUnavailable to writes (reads still pass), to
everything, or after a number of writes. A store that is down (connection
refused) and one that does not answer (a port that never accepts) are tested
against the client's timeouts, which come from config/settings.py itself."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import runpy
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3  # the test extra installs it with django-storages' S3 backend: no silent skip
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from diarium.core.errors import ServiceUnavailable
from diarium.intake import services as intake
from diarium.registry import services as registry
from diarium.registry.files import storage_name_for
from diarium.registry.models import Blob, Case, Document, DocumentFile, Event, SeriesCounter

from . import factories as f
from . import s3_support
from .api_support import bearer, token_for

pytestmark = pytest.mark.django_db

BUCKET = "diarium-filer"
REFUSED = "Filarkivet tar inte emot filer just nu. Inget sparades. Försök igen om en stund."
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- moto's S3 server, and a proxy that can refuse ---------------------------------------------

@pytest.fixture(scope="module")
def moto_url():
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        s3_client(url).create_bucket(Bucket=BUCKET)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def s3_client(url):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture(scope="module")
def proxy(moto_url):
    server, store = s3_support.proxy_start(upstream_port=int(moto_url.rsplit(":", 1)[1]))
    yield store
    server.shutdown()
    server.server_close()


# --- the project's settings for S3, and a test's storage on the proxy ------------------------------

S3_ENVIRONMENT = {
    "DIARIUM_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    # Shorter than production's (5 s, 10 s) so the test of a store that does not answer is quick.
    "DIARIUM_S3_CONNECT_TIMEOUT": "1", "DIARIUM_S3_READ_TIMEOUT": "1",
}


def settings_with(environment: dict) -> dict:
    """config/settings.py as it reads with `environment` added."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in environment.items():
            mp.setenv(name, value)
        return runpy.run_path(str(ROOT / "config" / "settings.py"))


@pytest.fixture(scope="module")
def s3_settings():
    return settings_with(S3_ENVIRONMENT)


def use_store(settings, s3_settings, url: str) -> None:
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_REGION_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_S3_CLIENT_CONFIG"):
        setattr(settings, name, s3_settings[name])
    settings.STORAGES = {**settings.STORAGES, "default": {**s3_settings["STORAGES"]["default"],
                                                          "OPTIONS": {"endpoint_url": url}}}


@pytest.fixture
def store(settings, s3_settings, proxy):
    """The test's files go to moto's bucket through the proxy, which passes everything."""
    use_store(settings, s3_settings, proxy.url)
    proxy.reset()
    yield proxy
    proxy.reset()


def in_bucket(moto_url, sha: str) -> bytes | None:
    try:
        return s3_client(moto_url).get_object(Bucket=BUCKET, Key=storage_name_for(sha))["Body"].read()
    except s3_client(moto_url).exceptions.NoSuchKey:
        return None


def unique_text(label: str) -> bytes:
    """Content no other test stored: the bucket outlives each test's database."""
    return f"{label} {uuid.uuid4()}\n".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def nothing_registered(case: Case, *shas: str) -> None:
    case.refresh_from_db()
    assert case.document_count == 0
    assert not Document.objects.filter(case=case).exists() and not DocumentFile.objects.exists()
    assert not Blob.objects.filter(sha256__in=shas).exists()
    assert not Event.objects.filter(case=case).exclude(kind=Event.Kind.CASE_REGISTERED).exists()


# --- the tests ------------------------------------------------------------------------------------

@pytest.mark.one_database
def test_the_settings_choose_s3_with_short_timeouts_and_one_retry():
    production = settings_with({"DIARIUM_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET})
    assert production["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert production["AWS_STORAGE_BUCKET_NAME"] == BUCKET
    config = production["AWS_S3_CLIENT_CONFIG"]
    assert (config.connect_timeout, config.read_timeout) == (5.0, 10.0)
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}
    tuned = settings_with({"DIARIUM_STORAGE": "s3", "DIARIUM_S3_CONNECT_TIMEOUT": "2", "DIARIUM_S3_READ_TIMEOUT": "9",
                           "DIARIUM_S3_MAX_ATTEMPTS": "4", "AWS_S3_ADDRESSING_STYLE": "path"})["AWS_S3_CLIENT_CONFIG"]
    assert (tuned.connect_timeout, tuned.read_timeout, tuned.retries["total_max_attempts"]) == (2.0, 9.0, 4)
    assert tuned.s3 == {"addressing_style": "path"}


def test_a_refused_upload_on_the_form_leaves_nothing_and_the_same_upload_then_goes_through(
        client, store, moto_url, registrar, ks):
    case = f.case(registrar, ks)
    client.force_login(registrar)
    content = unique_text("Remissvar från Sambruk")
    url = reverse("registry:document_register", args=[case.pk])

    def post():
        return client.post(url, {"direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk",
                                 "description": "Remissvar", "files": [SimpleUploadedFile("svar.txt", content)]})

    store.mode = "writes"
    refused = post()
    assert refused.status_code == 503 and refused["Retry-After"] == "60"
    page = refused.content.decode()
    assert REFUSED in page and "<h1>Inte tillgängligt just nu</h1>" in page
    assert ("PUT", f"/{BUCKET}/{storage_name_for(sha(content))}", 503) in store.seen  # it was asked, and refused
    nothing_registered(case, sha(content))
    assert in_bucket(moto_url, sha(content)) is None

    store.mode = "pass"
    response = post()
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(case=case)
    assert document.number == 1  # the refused attempt took no number
    assert document.files.get().blob_id == sha(content)
    assert in_bucket(moto_url, sha(content)) == content  # stored under its SHA-256
    download = client.get(reverse("registry:file_download", args=[document.files.get().pk]))
    assert b"".join(download.streaming_content) == content


def test_the_api_answers_503_in_its_error_shape_and_numbers_do_not_skip(client, store, moto_url, registrar, ks):
    case = f.case(registrar, ks)
    f.document(registrar, case, files=[SimpleUploadedFile("forsta.txt", unique_text("Första"))])
    auth = bearer(token_for(registrar))
    content = unique_text("Yttrande")
    url = f"/api/cases/{case.pk}/documents"
    data = {"direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk",
            "description": "Yttrande"}
    store.mode = "all"  # reads refused too
    refused = client.post(url, {**data, "files": [SimpleUploadedFile("yttrande.txt", content)]}, **auth)
    assert refused.status_code == 503 and refused["Retry-After"] == "60"
    assert refused["Content-Type"].startswith("application/json")
    assert refused.json() == {"detail": REFUSED, "errors": {}}
    case.refresh_from_db()
    assert case.document_count == 1 and Document.objects.filter(case=case).count() == 1
    assert not Blob.objects.filter(sha256=sha(content)).exists()

    store.mode = "pass"
    created = client.post(url, {**data, "files": [SimpleUploadedFile("yttrande.txt", content)]}, **auth)
    assert created.status_code == 201, created.content
    assert created.json()["number"] == 2
    assert in_bucket(moto_url, sha(content)) == content


def test_a_message_registered_on_a_new_case_takes_no_diary_number_while_the_store_refuses(
        client, store, moto_url, org, ks, registrar):
    """The intake's register-as-new-case takes the case's diary number and stores
    the chosen attachment in one transaction: refused, neither is kept."""
    from email.message import EmailMessage

    earlier = f.case(registrar, ks)
    attachment = unique_text("Skiss av parken")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Gunnel Åkesson <gunnel@example.se>", "ks@alingsas.se", "Synpunkt"
    message["Date"], message["Message-ID"] = "Mon, 30 Nov 2026 10:15:00 +0100", f"<{uuid.uuid4()}@example.se>"
    message.set_content("Jag tycker att parken ska vara kvar.")
    message.add_attachment(attachment, maintype="text", subtype="plain", filename="skiss.txt")
    item = intake.message_upload(actor=registrar, organisation_id=org.pk,
                                 upload=SimpleUploadedFile("synpunkt.eml", message.as_bytes()))
    counter = SeriesCounter.objects.get(series=earlier.series, year=earlier.year)
    client.force_login(registrar)

    def register():
        return client.post(reverse("intake:item", args=[item.pk]), {
            "action": "register", "target": "new", "organ": ks.pk, "title": "Detaljplan för Stadsparken",
            "description": "Synpunkt", "counterpart": "Gunnel Åkesson", "counterpart_kind": "auto",
            "document_date": "2026-11-30", "attachments": ["1"]})

    store.mode = "writes"  # the message itself is read from the store; the attachment cannot be written
    refused = register()
    assert refused.status_code == 503 and REFUSED in refused.content.decode()
    counter.refresh_from_db()
    assert counter.last_seq == earlier.seq
    assert Case.objects.filter(organ=ks).count() == 1
    item.refresh_from_db()
    assert item.state == item.State.NEW and item.document_id is None
    assert not Blob.objects.filter(sha256=sha(attachment)).exists()

    store.mode = "pass"
    assert register().status_code == 302
    item.refresh_from_db()
    assert item.document.case.seq == earlier.seq + 1  # the next number: none skipped
    assert in_bucket(moto_url, sha(attachment)) == attachment


def test_a_store_that_refuses_after_the_first_file_keeps_no_row_and_at_most_a_harmless_orphan(
        store, moto_url, registrar, ks, caplog):
    """Two files, the first stored and the second refused: the transaction rolls
    back and the first is deleted again; if the store refuses that delete too,
    it stays in the bucket under its hash, referenced by nothing (harmless: the
    same content stored later is found there and not written again)."""
    case = f.case(registrar, ks)
    first, second = unique_text("Bilaga 1"), unique_text("Bilaga 2")

    def register():
        return registry.document_register(
            actor=registrar, case=case, direction="incoming", document_date=dt.date(2018, 6, 12),
            counterpart="Sambruk", description="Remissvar",
            files=[SimpleUploadedFile("bilaga1.txt", first), SimpleUploadedFile("bilaga2.txt", second)])

    store.writes_left = 1
    with pytest.raises(ServiceUnavailable) as refused:
        register()
    assert refused.value.message == REFUSED and refused.value.retry_after == 60
    nothing_registered(case, sha(first), sha(second))
    assert in_bucket(moto_url, sha(first)) is None  # removed again after the rollback

    store.writes_left, store.deletes = 1, False
    with pytest.raises(ServiceUnavailable):
        register()
    nothing_registered(case, sha(first), sha(second))
    assert in_bucket(moto_url, sha(first)) == first  # the orphan: named by its hash, no row refers to it
    assert any("kept, unreferenced" in r.getMessage() for r in caplog.records)

    store.reset()
    document = register()
    assert document.number == 1 and document.files.count() == 2
    assert store.puts() == [f"/{BUCKET}/{storage_name_for(sha(second))}"]  # the first was there already
    assert in_bucket(moto_url, sha(second)) == second


@pytest.mark.parametrize("failure", ["down", "silent"])
def test_a_store_that_is_down_or_silent_costs_seconds_not_minutes(client, settings, s3_settings, registrar, ks,
                                                                  failure):
    """Down: nothing listens (connection refused). Silent: the port takes the
    connection and never answers; the client's read timeout (1 s here) and its
    one retry bound the wait."""
    case = f.case(registrar, ks)
    listener = None
    port = free_port()
    if failure == "silent":
        listener = socket.socket()
        listener.bind(("127.0.0.1", port))
        listener.listen(16)  # the kernel completes connections; nobody reads or answers
    use_store(settings, s3_settings, f"http://127.0.0.1:{port}")
    try:
        started = time.monotonic()
        response = client.post(f"/api/cases/{case.pk}/documents", {
            "direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk",
            "description": "Remissvar", "files": [SimpleUploadedFile("svar.txt", unique_text("Svar"))]},
            **bearer(token_for(registrar)))
        elapsed = time.monotonic() - started
    finally:
        if listener is not None:
            listener.close()
    assert response.status_code == 503 and response.json()["detail"] == REFUSED
    assert elapsed < 8, elapsed
    nothing_registered(case)


def test_a_bulk_import_stops_with_a_swedish_message_and_resumes_where_it_stopped(tmp_path, store, registrar, org):
    """`diarium import-documents` stores each file as it queues it: refused, the
    command stops with a message saying how far it came; run again with the store
    back, it queues what was not kept."""
    from diarium.reading.models import ImportProposal

    folder = tmp_path / "arkiv"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_bytes(unique_text("Kommunstyrelsen beslutade den 12 mars 2019 att anta budgeten."))
    args = ["import-documents", "--organisation", org.slug, "--user", registrar.username, str(folder)]
    store.writes_left = 1
    with pytest.raises(CommandError) as refused:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(refused.value).startswith(REFUSED + " 1 av 2 filer lästes in innan dess; kör kommandot igen")
    assert ImportProposal.objects.filter(organisation=org).count() == 1
    store.reset()
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    assert "redan inläst" in out.getvalue()
    assert ImportProposal.objects.filter(organisation=org).count() == 2
    assert all(p.blob_id for p in ImportProposal.objects.filter(organisation=org))
