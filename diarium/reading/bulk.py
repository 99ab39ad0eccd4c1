"""Bulk migration (`diarium import-documents`): the files and folders given
are walked in a stable order, each file is read (reader.py) and, unless it is
a rehearsal, queued for review or registered directly when the reader is sure
enough (services.py). One file's failure never stops the others, and a file
whose SHA-256 the organisation already has is never registered twice."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

from .reader import Result, read_path

# Files a folder walk leaves out: hidden files and what editors and systems leave behind.
_SKIPPED_NAMES = {"thumbs.db", "desktop.ini"}

READ, QUEUED, ACCEPTED, ALREADY, UNREADABLE, REFUSED = (
    "read", "queued", "accepted", "already", "unreadable", "refused")


@dataclass
class FileOutcome:
    """What became of one file."""

    result: Result
    status: str
    proposal: object | None = None
    problems: list[str] = field(default_factory=list)


def files_in(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Every file named or inside a folder named, in order (a folder's files
    sorted by path), and a Swedish note for each path that is neither."""
    found: list[Path] = []
    notes: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / name for name in sorted(names)
                             if not name.startswith(".") and name.lower() not in _SKIPPED_NAMES)
        else:
            notes.append(_("%(path)s finns inte eller är varken en fil eller en mapp.") % {"path": given})
    return found, notes


def file_import(path: Path, *, name: str, organisation=None, actor=None, dry_run: bool = False,
                accept_above: float | None = None) -> FileOutcome:
    """Read one file; queue it, or register it when every key field is at
    least `accept_above` sure (falling back to the queue with the problems
    when the register refuses it). With `dry_run` nothing is written."""
    result = read_path(path, name=name)
    content, result.content = result.content, None  # stored below, not kept with the outcome
    if result.reading is None:
        outcome = FileOutcome(result=result, status=UNREADABLE, problems=[result.problem or ""])
        if dry_run or not result.sha256:  # not even its bytes were read (too large, not to be opened)
            return outcome
    elif dry_run:
        return FileOutcome(result=result, status=READ)
    from . import services

    proposal, created = services.proposal_queue(actor=actor, organisation=organisation, filename=name,
                                                content=content, result=result)
    if not created:
        return FileOutcome(result=result, status=ALREADY, proposal=proposal)
    if result.reading is None:
        return FileOutcome(result=result, status=UNREADABLE, proposal=proposal, problems=[result.problem or ""])
    if accept_above is None or result.reading.overall() < accept_above:
        return FileOutcome(result=result, status=QUEUED, proposal=proposal)
    try:
        services.proposal_accept(actor=actor, proposal=proposal, values=dict(result.reading.values))
    except DomainError as exc:
        problems = [exc.message, *(m for messages in (exc.errors or {}).values() for m in messages
                                   if m != exc.message)]
        return FileOutcome(result=result, status=REFUSED, proposal=proposal, problems=problems)
    return FileOutcome(result=result, status=ACCEPTED, proposal=proposal)


def import_files(paths: list[Path], *, root_names: dict[Path, str] | None = None, **options) -> Iterator[FileOutcome]:
    for path in paths:
        name = (root_names or {}).get(path, str(path))
        yield file_import(path, name=name, **options)
