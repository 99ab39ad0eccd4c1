"""A file of the history's heads that someone kept (the open data's daily
`chain-heads.csv` or `chain-heads.json`, docs/OPEN_DATA.md), read for
`diarium verify --heads FILE`: each row names an organisation, a length and
the hash of the chain's seal at that length (registry.chain.head_check).

The file is the published form, so it is read as a third party may have kept
it: CSV (comma separated, a header row, UTF-8 with or without a BOM) or a JSON
array of objects, with the columns `organisation_slug` (or, without it,
`organisation`, the name), `length` and `head`; `published_on` is shown when
there. Every problem is reported at once, with its row."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.errors import DomainError

HASH = re.compile(r"[0-9a-f]{64}")
MAX_BYTES = 50 * 1024 * 1024  # years of daily heads of many organisations are far less


@dataclass(frozen=True)
class HeldHead:
    row: int  # the row in the file (the CSV's line after the header, or the JSON array's place), from 1
    organisation_id: int
    organisation: str
    length: int
    head: str
    published_on: str


def _rows(text: str) -> list[dict]:
    if text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise DomainError(_("Filen är inte giltig JSON: %(error)s") % {"error": exc}) from None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise DomainError(_("JSON-filen ska vara en lista av objekt, ett per publicerat huvud."))
        return data
    return list(csv.DictReader(io.StringIO(text)))


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def heads_parse(content: bytes) -> list[HeldHead]:
    """The heads of a file's content; DomainError with every problem, by row."""
    if len(content) > MAX_BYTES:
        raise DomainError(_("Filen är större än %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("Filen är inte UTF-8-kodad text.")) from None
    rows = _rows(text)
    if not rows:
        raise DomainError(_("Filen innehåller inga huvuden."))
    by_slug = {o.slug: o for o in Organisation.objects.all()}
    by_name: dict[str, list[Organisation]] = {}
    for o in by_slug.values():
        by_name.setdefault(o.name.casefold(), []).append(o)
    heads: list[HeldHead] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        row_problems: list[str] = []
        slug, name = _text(row.get("organisation_slug")), _text(row.get("organisation"))
        organisation = by_slug.get(slug) if slug else None
        if organisation is None and not slug and name:
            named = by_name.get(name.casefold(), [])
            organisation = named[0] if len(named) == 1 else None
        if organisation is None:
            row_problems.append(_("organisationen ”%(o)s” finns inte här") % {"o": slug or name}
                                if slug or name else _("organisation saknas"))
        length_text = _text(row.get("length"))
        length = int(length_text) if length_text.isdigit() else None
        if length is None:
            row_problems.append(_("längden ”%(v)s” är inte ett heltal från 0 och uppåt") % {"v": length_text})
        head = _text(row.get("head")).lower()
        if not HASH.fullmatch(head) and not (head == "" and length == 0):
            row_problems.append(_("huvudet ”%(v)s” är inte en SHA-256-hash (64 hexadecimala tecken)") % {"v": head})
        if row_problems:
            problems += [_("Rad %(n)s: %(problem)s.") % {"n": number, "problem": p} for p in row_problems]
            continue
        heads.append(HeldHead(row=number, organisation_id=organisation.pk, organisation=organisation.name,
                              length=length, head=head, published_on=_text(row.get("published_on"))))
    if problems:
        raise DomainError(_("Filen med huvuden kunde inte läsas."), errors={"heads": problems})
    return heads
