"""English beside Swedish (issue 25, part 4).

- Every visible word of a template is inside a translate tag: a word written
  straight into the HTML would stay Swedish on the English pages.
- Every string the code and templates mark is in the English catalogue with a
  translation, and the compiled catalogue (.mo) is the .po's.
- The interface follows the language switch's cookie, then the browser's
  Accept-Language; Swedish is the default; dates follow the language.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "diarium" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# --- 1. no word outside a translate tag ---------------------------------------------------
# A "word" has two letters or more and a small letter: all-capital codes (PDF, CSV, KS)
# and numbers are the same in both languages.
WORD = re.compile(r"\b(?=[^\W\d_]*[a-zåäöéü])[^\W\d_]{2,}\b")
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description", "label", "abbr"}
# Blocks whose text the catalogue holds ({% blocktranslate %}) or nobody sees ({% comment %}).
HIDDEN_BLOCKS = re.compile(r"{%-?\s*(blocktranslate|blocktrans|comment)\b.*?{%-?\s*end\1\s*-?%}", re.S)
VARIABLE = re.compile(r"{{.*?}}", re.S)
TAG_OR_COMMENT = re.compile(r"{%.*?%}|{#.*?#}", re.S)
# Elements whose text is not the interface's: code, literal input examples and
# anything that declares its own language (the switch's "In English").
LITERAL = {"script", "style", "code", "kbd", "samp", "pre"}


class _Words(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[tuple[int, str]] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        hidden = tag in LITERAL or ("lang" in named and tag != "html")
        if tag not in {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area", "base"}:
            self.stack.append((tag, hidden))
        if hidden or self._hidden():
            return
        for name, value in attrs:
            shown = name in TEXT_ATTRIBUTES or (name == "value" and tag == "input"
                                                 and named.get("type") in ("submit", "button", "reset"))
            if shown and value and WORD.search(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._hidden() and WORD.search(data):
            self.found.append((self.getpos()[0], " ".join(data.split())[:80]))


def untranslated_words(source: str) -> list[tuple[int, str]]:
    """(line, text) of every visible word outside a translate tag in a template."""
    keep_lines = lambda m: "\n" * m.group(0).count("\n")  # noqa: E731
    source = HIDDEN_BLOCKS.sub(keep_lines, source)
    # A variable becomes a letter-less token that still parses as a tag name (`<{{ heading }}>`).
    source = VARIABLE.sub(lambda m: "v0" + keep_lines(m), source)
    source = TAG_OR_COMMENT.sub(keep_lines, source)
    parser = _Words()
    parser.feed(source)
    parser.close()
    return parser.found


def templates() -> list[Path]:
    return sorted(path for path in (ROOT / "diarium").glob("**/templates/**/*.html"))


def test_the_scan_finds_a_word_outside_translate_tags():
    found = untranslated_words(
        '{% load i18n %}<h1>{% translate "Ärenden" %}</h1><p>Öppna ärenden</p>'
        '<a href="{% url "x" %}" aria-label="Till listan">{{ n }} PDF</a>'
        "{% blocktranslate %}Hej {{ namn }}{% endblocktranslate %}<kbd>remiss</kbd>"
        '<a lang="en" hreflang="en">In English</a><input type="submit" value="Spara">'
    )
    assert [text for _line, text in found] == ["Öppna ärenden", 'aria-label="Till listan"', 'value="Spara"']


def test_every_visible_word_in_the_templates_is_marked_for_translation():
    problems = [f"{path.relative_to(ROOT)}:{line}: {text}"
                for path in templates() for line, text in untranslated_words(path.read_text(encoding="utf-8"))]
    assert not problems, "Text outside {% translate %} (it would stay Swedish in English):\n" + "\n".join(problems)


# --- 2. the catalogue -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO))


def _missing(entry) -> bool:
    if entry.obsolete:
        return False
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return not all(entry.msgstr_plural.get(index) for index in (0, 1))
    return not entry.msgstr


def test_every_string_in_the_english_catalogue_is_translated(catalogue):
    missing = [entry.msgid[:80] for entry in catalogue if _missing(entry)]
    assert not missing, f"{len(missing)} strings lack an English translation, e.g.:\n" + "\n".join(missing[:30])


def test_placeholders_survive_translation(catalogue):
    placeholder = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}"
                             r"|</?(?:a|abbr|b|br|code|em|i|kbd|li|p|span|strong|time|ul)\b[^>]*>")
    wrong = []
    for entry in catalogue:
        if entry.obsolete or not entry.msgstr or "fuzzy" in entry.flags:
            continue
        if sorted(placeholder.findall(entry.msgid)) != sorted(placeholder.findall(entry.msgstr)):
            wrong.append(f"{entry.msgid[:60]!r} → {entry.msgstr[:60]!r}")
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong[:30])


def test_the_compiled_catalogue_is_the_po_file(catalogue):
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [entry.msgid[:60] for entry in catalogue
             if not entry.obsolete and not entry.msgid_plural and entry.msgstr and "fuzzy" not in entry.flags
             and (compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt
                  else compiled.gettext(entry.msgid)) != entry.msgstr]
    assert not stale, "django.mo is older than django.po: run `make messages`.\n" + "\n".join(stale[:20])


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_the_catalogue_holds_every_marked_string(tmp_path, monkeypatch, catalogue):
    """makemessages, run afresh on a copy of the sources, finds nothing the committed
    catalogue lacks: a new string cannot slip in untranslated. (On the checkout itself
    it would rewrite diarium/locale: makemessages writes to every locale directory it
    finds below the current one.)"""
    for package in ("config", "diarium"):
        for path in (ROOT / package).rglob("*"):
            if path.suffix in (".py", ".html", ".txt") and "locale" not in path.parts and "__pycache__" not in path.parts:
                target = tmp_path / path.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):  # the Makefile's `messages`
        call_command("makemessages", locale=["en"], verbosity=0, no_location=True, no_obsolete=True)
    fresh = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}
    new = [entry.msgid[:80] for entry in fresh if (entry.msgctxt, entry.msgid) not in known]
    assert not new, "Strings missing from the English catalogue (run `make messages` and translate):\n" + "\n".join(new[:30])
    assert len(fresh) > 1000  # the copy held the sources


# --- 3. the interface in English ------------------------------------------------------------
@pytest.mark.django_db
def test_swedish_by_default_and_english_by_accept_language(client):
    swedish = client.get("/arenden/")
    assert swedish.status_code == 200
    assert '<html lang="sv">' in swedish.text and "Ärenden" in swedish.text
    english = client.get("/arenden/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in english.text
    assert "Cases" in english.text and "Ärenden</a>" not in english.text
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]


@pytest.mark.django_db
def test_the_language_switch_remembers_the_choice(client):
    page = client.get("/arenden/?sida=1")
    assert 'href="/sprak/en/?next=/arenden/%3Fsida%3D1"' in page.text
    switched = client.get("/sprak/en/", {"next": "/arenden/?sida=1"})
    assert switched.status_code == 302 and switched["Location"] == "/arenden/?sida=1"
    assert switched.cookies["diarium_language"].value == "en"
    english = client.get("/arenden/")
    assert '<html lang="en">' in english.text
    # Back to Swedish, even though the browser asks for English.
    client.get("/sprak/sv/", {"next": "/"})
    assert '<html lang="sv">' in client.get("/arenden/", HTTP_ACCEPT_LANGUAGE="en").text


@pytest.mark.django_db
def test_the_switch_never_leads_off_the_site_nor_to_an_unknown_language(client):
    assert client.get("/sprak/en/", {"next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/sprak/en/", {"next": "//evil.example/"})["Location"] == "/"
    assert client.get("/sprak/xx/").status_code == 404


def test_dates_follow_the_language():
    from django.utils.formats import date_format

    day = dt.date(2018, 8, 23)
    with translation.override("sv"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "2018-08-23"
    with translation.override("en"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "23 Aug 2018"
        assert date_format(day, "DATE_FORMAT") == "23 August 2018"


def test_numbers_follow_the_language():
    from django.utils.formats import number_format

    with translation.override("sv"):
        assert number_format(1234.5, 1) == "1234,5"
    with translation.override("en"):
        assert number_format(1234.5, 1) == "1234.5"


def test_domain_terms_keep_their_swedish_gloss():
    with translation.override("en"):
        assert "(diarienummer)" in translation.gettext("Diarienummer")


def test_a_drawn_up_document_stays_in_the_installations_language():
    """A registered document is an official record in Swedish, whatever the
    officer's screen shows (diarium.core.drawing.draw)."""
    from diarium.core import drawing

    with translation.override("en"):
        drawn = drawing.draw("no-drawer-for-this-kind", {}, template="decisions/posting_certificate.html",
                             stem="bevis")
        assert translation.get_language() == "en"
    text = drawn.content.decode()
    assert '<html lang="sv">' in text and "Bevis om anslag" in text
