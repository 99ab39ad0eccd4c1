"""Shared by the privacy tests: read every public output as an anonymous
reader (a crawl from seed URLs through every link of the pages, the API, the
feeds, calendars, OParl and DCAT, with the text of the PDFs among them), the
files `dump_datasets` writes, and the forms a value takes in the outputs'
encodings; and run a hypothesis example in a savepoint that is rolled back."""

from __future__ import annotations

import html
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from diarium.opendata import dumps, ical

from .pdf_support import pdf_text

CRAWL_LIMIT = 1500
# Never fetched: the admin, logging in and out, static files and the API's own docs.
EXCLUDED = ("/admin/", "/konto/", "/static/", "/api/docs", "/api/openapi.json")
# Where a query string changes what is published (pages, filters); elsewhere it is dropped.
QUERY_KEPT = ("/oparl/", "/floden/", "/kalender/", "/datasets/", "/api/")
LINK = re.compile(
    r'href="([^"]+)"'
    r"|https?://testserver(/[^\s\"'<>\\]*)"
    r'|"(/(?:api|filer|handlingar|arenden|sammantraden|beslut|remisser|oparl|datasets|floden|kalender)/[^"\s]*)"'
)


@dataclass
class Output:
    status: int
    text: str
    content_type: str


def body(response) -> bytes:
    # Not response.close(): outside the test client's own wrapper it would fire
    # request_finished and close the connection inside the test's transaction.
    return b"".join(response.streaming_content) if response.streaming else response.content


def output(response) -> Output:
    """A response as text: a PDF's extracted text, anything else decoded."""
    raw, content_type = body(response), response.get("Content-Type", "")
    if content_type.startswith("application/pdf") or raw.startswith(b"%PDF"):
        try:
            text = pdf_text(raw)
        except Exception as exc:  # an unreadable PDF is a failure, not an empty text
            raise AssertionError(f"unreadable PDF: {exc}") from exc
    else:
        text = raw.decode("utf-8", errors="replace")
    return Output(response.status_code, text, content_type)


def fetch(client, url: str) -> Output:
    return output(client.get(url))


def _normalise(link: str) -> str | None:
    link = html.unescape(link).strip()
    parts = urlsplit(link)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith(EXCLUDED):
        return None
    try:
        resolve(path)
    except Resolver404:
        return None
    if parts.query and path.startswith(QUERY_KEPT):
        return f"{path}?{parts.query}"
    return path


def links(text: str) -> set[str]:
    found = set()
    for match in LINK.finditer(text.replace("\r\n ", "")):  # iCalendar lines unfolded
        normal = _normalise(next(g for g in match.groups() if g))
        if normal:
            found.add(normal)
    return found


def crawl(client, start, limit: int = CRAWL_LIMIT) -> dict[str, Output]:
    """Every public output reachable from `start` by following links (HTML,
    Atom, iCalendar, OParl and API JSON, PDFs as text), each once. No page may
    answer with a server error."""
    outputs: dict[str, Output] = {}
    queue = list(dict.fromkeys(start))
    seen = set(queue)
    referrer = {}
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        outputs[url] = out = output(response)
        assert response.status_code < 500, (url, "linked from", referrer.get(url), out.text[:500])
        assert len(outputs) <= limit, "the crawl does not end"
        found = links(out.text)
        if response.has_header("Location"):
            found |= {_normalise(response["Location"])} - {None}
        for link in found:
            if link not in seen:
                seen.add(link)
                referrer[link] = url
                queue.append(link)
    return outputs


def dataset_urls(organisation_slug: str | None = None) -> list[str]:
    """Every dataset download, in both formats (the register also narrowed to
    the organisation: its own query and nightly file)."""
    urls = []
    for name in dumps.DATASETS:
        for fmt in ("csv", "json"):
            url = reverse(f"opendata:dataset_{fmt}", args=[name])
            urls.append(url)
            if name == "register" and organisation_slug:
                urls.append(f"{url}?organisation={organisation_slug}")
    return urls


def remove_stored_dumps(path: str = getattr(dumps, "STORED_PREFIX", "opendata/").rstrip("/")) -> None:
    if not default_storage.exists(path):
        return
    directories, files = default_storage.listdir(path)
    for name in files:
        default_storage.delete(f"{path}/{name}")
    for name in directories:
        remove_stored_dumps(f"{path}/{name}")


def dumped_files() -> dict[str, Output]:
    """Run `diarium dump_datasets` and read back every file it says it wrote."""
    out = io.StringIO()
    call_command("dump_datasets", stdout=out)
    files = {}
    for line in out.getvalue().splitlines():
        stored = line.split("\t")[0].strip()
        if stored:
            with default_storage.open(stored) as fh:
                files[f"dump_datasets:{stored}"] = Output(200, fh.read().decode("utf-8"), "")
    assert files, "dump_datasets wrote nothing"
    return files


def encodings(value: str) -> set[str]:
    """The forms a value takes in the outputs' encodings."""
    escaped = html.escape(value, quote=False)
    return {
        value, html.escape(value), escaped, escaped.encode("ascii", "xmlcharrefreplace").decode(),
        json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value), quote(value, safe=""), quote_plus(value), ical.escape_text(value),
    } - {""}


def found_in(outputs: dict[str, Output | str], values) -> list[str]:
    """"url: value" for every output that carries a value in any encoding,
    case-folded."""
    forms = [(value, {form.casefold() for form in encodings(value)}) for value in values]
    found = []
    for url, out in outputs.items():
        folded = (out.text if isinstance(out, Output) else out).casefold()
        found += [f"{url}: {value!r}" for value, variants in forms if any(v in folded for v in variants)]
    return found


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run one hypothesis example in a savepoint that is always rolled back, so
    examples sharing the test's database start from nothing."""
    try:
        with transaction.atomic():
            cache.clear()  # feeds, OParl and rate counts may sit in the (database) cache
            remove_stored_dumps()  # files are not rolled back: no example may see another's dump
            yield
            raise _Rollback
    except _Rollback:
        pass
    finally:
        cache.clear()
