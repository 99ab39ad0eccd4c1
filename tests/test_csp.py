"""The Content-Security-Policy: scripts only from our own files, none inline.

A script-src with 'unsafe-inline' would let any HTML that slips into a page (a
counterpart's name, an uploaded file's name) run as script; without it such
markup is inert. That only works if no page of ours needs an inline script.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

import diarium

from . import factories as f

# An opening <script> tag without src= (a JSON data block, which browsers never run, is fine),
# and an inline event handler (onclick=, onload=, ...) inside a tag.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']application/(?:ld\+)?json[\"'])[^>]*>", re.IGNORECASE
)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def script_src(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(None, 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    return directives["script-src"].split()


@pytest.mark.django_db
def test_pages_allow_no_inline_script(client, registrar, ks):
    case = f.case(registrar, ks)
    document = f.document(registrar, case, files=[f.pdf_file()])
    public = ["/konto/logga-in/", "/arenden/", "/api/docs"]
    registrars = ["/arenden/", reverse("registry:case_detail", args=[case.pk]),
                  reverse("registry:document_detail", args=[document.pk]),
                  reverse("registry:document_file_add", args=[document.pk]), "/api/docs"]
    for url in public + [None] + registrars:
        if url is None:
            client.force_login(registrar)
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        sources = script_src(response)
        assert "'unsafe-inline'" not in sources, url
        assert "'unsafe-eval'" not in sources, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), url
        assert not EVENT_HANDLER.findall(html), url


@pytest.mark.django_db
def test_api_docs_load_their_scripts_from_our_static_files(client):
    html = client.get("/api/docs").content.decode()
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
    assert any("swagger-ui-bundle" in s for s in scripts) and any("swagger-ui-init" in s for s in scripts)
    for src in scripts:
        assert src.startswith("/static/"), src  # 'self': no CDN
        assert client.get(src).status_code == 200, src
    # Its settings come as a JSON data block, which swagger-ui-init.js reads.
    assert 'id="swagger-settings"' in html


def test_no_template_has_inline_script_or_event_handler():
    """Every template of the project, rendered or not by the tests above."""
    root = Path(diarium.__file__).parent
    offending = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
            offending.append(str(template.relative_to(root)))
    assert offending == []
