"""The hook between the apps that draw up documents from their data (decisions,
remiss, plans) and the app that renders them (diarium.documents).

The documents app stands above the domain apps, so they never import it: it
registers one drawer per kind of document in its ready(), and the domain apps
call `draw`. Without a drawer for a kind (the documents app not installed, or a
test taking it out) the file is the plain rendering of the domain app's own
template, as it was before the documents app existed.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string


@dataclass(frozen=True)
class DrawnUpFile:
    filename: str
    content: bytes
    content_type: str

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.filename, self.content, content_type=self.content_type)


Drawer = Callable[[dict], DrawnUpFile]

_drawers: dict[str, Drawer] = {}


def register(kind: str, drawer: Drawer | None) -> None:
    """Set (or with None, remove) the drawer of a kind of document."""
    if drawer is None:
        _drawers.pop(kind, None)
    else:
        _drawers[kind] = drawer


def drawer(kind: str) -> Drawer | None:
    return _drawers.get(kind)


def draw(kind: str, context: dict, *, template: str, stem: str) -> DrawnUpFile:
    """The file of a drawn-up document: the registered drawer's, or the fallback
    `template` rendered as is (`stem` plus the template's own extension).

    A registered document is an official record: it is drawn up in the
    installation's language (LANGUAGE_CODE, Swedish by default; språklagen 10 §),
    whichever language the officer's screen shows, and the same whether a
    request or the worker draws it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return _draw(kind, context, template=template, stem=stem)


def _draw(kind: str, context: dict, *, template: str, stem: str) -> DrawnUpFile:
    registered = _drawers.get(kind)
    if registered is not None:
        return registered(context)
    suffix = PurePosixPath(template).suffix or ".html"
    content_type = mimetypes.types_map.get(suffix, "text/plain")
    return DrawnUpFile(f"{stem}{suffix}", render_to_string(template, context).encode("utf-8"), content_type)
