"""Writes of an organisation's classification scheme (verksamhetsområde →
processgrupp → process, in the style of KLASSA): adding, changing, retiring
and removing a node, importing a whole scheme from a file, and the rule that
a case is classified with a process of its organisation.

The rules of the hierarchy, every broken one reported at once:
- a code is digits in one to three parts ("1", "1.2", "1.2.3"), used once in
  the organisation; its depth is its level (one part a verksamhetsområde, two
  a processgrupp, three a process);
- a verksamhetsområde has no parent; a processgrupp lies under a
  verksamhetsområde and a process under a processgrupp, of the same
  organisation, and a child's code is its parent's code, a dot and one more
  part (the parent is found by the code when none is named);
- a node is put only under a parent in use; a node with nodes under it keeps
  its code; one is retired only when nothing under it is in use, and removed
  only when nothing (a case, a node) uses it.

Every change is an event in the organisation's history (Event without a
case), with who and when. The scheme is kept by the organisation's
administrators (access.can_keep_scheme).

Once an organisation has a scheme in use (an active process), every case it
registers, and every change of a case's classification, takes one of its
processes in use (case_classification_errors); organisations without one
classify as before, with any of their codes or none."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from diarium.accounts.services import administration_event_record
from diarium.core.control_characters import control_characters_message, has_control_characters
from diarium.core.dependents import in_use
from diarium.core.errors import Conflict, DomainError, PermissionDenied
from diarium.core.limits import too_long

from .. import access
from ..classification_files import SchemeFile
from ..history import event_append
from ..models import (
    CLASSIFICATION_DESCRIPTION_MAX,
    CLASSIFICATION_TITLE_MAX,
    Classification,
    ClassificationEvent,
)
from ..selectors.classification import code_key, scheme_in_use

Level = Classification.Level
CODE = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,4}){0,2}")
LEVEL_OF_DEPTH = {1: Level.AREA, 2: Level.GROUP, 3: Level.PROCESS}
PARENT_LEVEL = {Level.GROUP: Level.AREA, Level.PROCESS: Level.GROUP}
RETENTION_MAX = 200
UNCHANGED = object()  # an argument of classification_update left as it is


def _level_name(level: str) -> str:
    return str(Level(level).label).lower() if level in Level.values else str(level)


def _a_level(level: str) -> str:
    """The level with its article: "ett verksamhetsområde", "en processgrupp", "en process"."""
    return {Level.AREA: _("ett verksamhetsområde"), Level.GROUP: _("en processgrupp"),
            Level.PROCESS: _("en process")}.get(level, str(level))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def depth_level(code: str) -> str | None:
    """The level a well-formed code's depth gives; None for a malformed code."""
    return LEVEL_OF_DEPTH[code.count(".") + 1] if CODE.fullmatch(code or "") else None


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def _require_keeper(actor, organisation_id: int) -> None:
    if not access.can_keep_scheme(actor, organisation_id):
        raise PermissionDenied(_("Bara en administratör kan ändra klassificeringsstrukturen."))


# --- the rules of the hierarchy ---------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    field: str  # code, title, description, level, parent, active
    message: str
    own: bool = True  # about the node's own values (a file's schema may have said it already), not its place


def _problems(node: Classification, *, named_parent: Classification | None,
              lookup: Callable[[str], Classification | None], taken: Callable[[str], bool],
              placing: bool) -> list[Problem]:
    """What is wrong with `node` (its code, title, description and level as
    given; level None: from the code). Sets node.level and node.parent to
    what they are by the rules. `lookup(code)` finds a node of the
    organisation, `taken(code)` says whether another node has the code;
    `placing`: the node is new or moves, so its parent must be in use."""
    found: list[Problem] = []
    code = node.code
    if not code:
        found.append(Problem("code", _("Ange koden.")))
    elif not CODE.fullmatch(code):
        found.append(Problem("code", _("Koden %(code)s har fel form: den ska vara siffror i ett till tre led åtskilda "
                                       "av punkt, som 1, 1.2 eller 1.2.3.") % {"code": code[:50]}))
    elif taken(code):
        found.append(Problem("code", _("Koden %(code)s finns redan.") % {"code": code}, own=False))
    if not node.title:
        found.append(Problem("title", _("Ange benämningen.")))
    elif len(node.title) > CLASSIFICATION_TITLE_MAX:
        found.append(Problem("title", too_long(CLASSIFICATION_TITLE_MAX)))
    if len(node.description) > CLASSIFICATION_DESCRIPTION_MAX:
        found.append(Problem("description", too_long(CLASSIFICATION_DESCRIPTION_MAX)))
    if len(node.retention or "") > RETENTION_MAX:
        found.append(Problem("retention", too_long(RETENTION_MAX)))
    for name in ("code", "title", "description", "retention"):
        if has_control_characters(getattr(node, name) or ""):
            found.append(Problem(name, control_characters_message()))
    by_depth = depth_level(code)
    level = node.level or None
    if level is not None and level not in Level.values:
        found.append(Problem("level", _("Välj nivå: verksamhetsområde, processgrupp eller process.")))
        level = None
    elif level is not None and by_depth is not None and level != by_depth:
        found.append(Problem("level", _(
            "Koden %(code)s har %(n)s led och är därför %(by_depth)s, inte %(level)s: ett verksamhetsområde har "
            "ett led, en processgrupp två och en process tre.") % {
            "code": code, "n": code.count(".") + 1, "by_depth": _a_level(by_depth), "level": _a_level(level)}))
        level = by_depth  # the code decides; its parent is judged by it
    level = level or by_depth
    node.level = level or node.level
    node.parent = None
    if level is None:
        return found
    if level == Level.AREA:
        if named_parent is not None:
            found.append(Problem("parent", _("Ett verksamhetsområde ligger överst och har ingen överordnad nivå."),
                                 own=False))
        return found
    wanted = PARENT_LEVEL[level]
    by_code = parent_code(code) if by_depth is not None else None
    parent = named_parent if named_parent is not None else (lookup(by_code) if by_code else None)
    if parent is None:
        if by_code:
            found.append(Problem("parent", _("Den överordnade nivån %(code)s finns inte; lägg till den först.")
                                 % {"code": by_code}, own=False))
        else:
            found.append(Problem("parent", _("%(level)s ska ligga under %(wanted)s; ange vilken.")
                                 % {"level": _capital(_a_level(level)), "wanted": _a_level(wanted)}, own=False))
        return found
    if parent.organisation_id != node.organisation_id:
        found.append(Problem("parent", _("Den överordnade nivån hör till en annan organisation."), own=False))
        return found
    if parent.level != wanted:
        found.append(Problem("parent", _("%(level)s ska ligga under %(wanted)s, och %(code)s är %(actual)s.")
                             % {"level": _capital(_a_level(level)), "wanted": _a_level(wanted), "code": parent.code,
                                "actual": _a_level(parent.level)}, own=False))
    if by_depth is not None and by_code != parent.code:
        found.append(Problem("code", _("Koden %(code)s stämmer inte med den överordnade nivån %(parent)s: den ska "
                                       "börja med %(parent)s och en punkt och ha ett led till, t.ex. %(parent)s.1.")
                             % {"code": code, "parent": parent.code}, own=False))
    if placing and not parent.active:
        found.append(Problem("parent", _("Den överordnade nivån %(code)s används inte längre.")
                             % {"code": parent.code}, own=False))
    node.parent = parent
    return found


def _raise(problems: list[Problem]) -> None:
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    message = problems[0].message if len(problems) == 1 else _(
        "Klassificeringen kunde inte sparas (%(n)s fel): %(first)s") % {"n": len(problems), "first": problems[0].message}
    raise DomainError(message, errors=errors)


def _lookup(organisation_id: int) -> Callable[[str], Classification | None]:
    return lambda code: Classification.objects.filter(organisation_id=organisation_id, code=code).first()


def _taken(organisation_id: int, pk: int | None = None) -> Callable[[str], bool]:
    return lambda code: Classification.objects.filter(organisation_id=organisation_id, code=code).exclude(
        pk=pk).exists()


def _clean(text) -> str:
    return " ".join((text or "").split())


# --- create, change, retire, remove -------------------------------------------------------------
@transaction.atomic
def classification_create(*, actor, organisation, code: str, title: str, level: str | None = None,
                          parent: Classification | None = None, description: str = "",
                          retention: str = "") -> Classification:
    """Add a node to the organisation's scheme. `level` may be left out (it
    follows from the code's depth) and so may `parent` (found by the code)."""
    _require_keeper(actor, organisation.pk)
    node = Classification(organisation=organisation, code=(code or "").strip(), title=_clean(title),
                          level=level or "", description=(description or "").strip(),
                          retention=(retention or "").strip())
    _raise(_problems(node, named_parent=parent, lookup=_lookup(organisation.pk), taken=_taken(organisation.pk),
                     placing=True))
    node.save()
    event_append(case=None, organisation_id=organisation.pk, kind=ClassificationEvent.CLASSIFICATION_CREATED,
                 actor=actor, data={"code": node.code, "title": node.title, "level": node.level,
                                    "parent": node.parent.code if node.parent else ""})
    administration_event_record(
        actor=actor, organisation=organisation, action="classification_created", object_type="classification",
        object_id=node.pk, summary=_("Klassificeringen %(code)s %(title)s lades till.")
        % {"code": node.code, "title": node.title}, changes={"code": node.code, "title": node.title})
    return node


def _shown(name: str, value) -> str:
    if name == "parent":
        return value.code if value is not None else ""
    if name == "active":
        return "true" if value else "false"
    return "" if value is None else str(value)


@transaction.atomic
def classification_update(*, actor, classification: Classification, code: str | None = None,
                          title: str | None = None, level: str | None = None, parent=UNCHANGED,
                          description: str | None = None, retention: str | None = None,
                          active: bool | None = None) -> Classification:
    """Change a node: its code, title, description or retention text, or move
    it (a new code, with its parent found by the code unless named). `active`
    False retires it (classification_retire), True takes it into use again.
    Nothing changed, nothing written."""
    _require_keeper(actor, classification.organisation_id)
    node = Classification.objects.select_for_update(of=("self",)).select_related("parent").get(pk=classification.pk)
    before = {name: getattr(node, name) for name in ("code", "title", "level", "parent", "description", "retention",
                                                      "active")}
    if code is not None:
        node.code = code.strip()
    if title is not None:
        node.title = _clean(title)
    if description is not None:
        node.description = description.strip()
    if retention is not None:
        node.retention = retention.strip()
    if level is not None:
        node.level = level
    elif node.code != before["code"]:
        node.level = ""  # from the new code's depth
    named = None if parent is UNCHANGED else parent
    if parent is UNCHANGED and node.code == before["code"]:
        named = before["parent"]
    moved = node.code != before["code"] or (parent is not UNCHANGED and parent != before["parent"])
    problems = _problems(node, named_parent=named, lookup=_lookup(node.organisation_id),
                         taken=_taken(node.organisation_id, node.pk), placing=moved)
    if node.code != before["code"]:
        below = sorted(node.children.values_list("code", flat=True), key=code_key)
        if below:
            problems.append(Problem("code", _("Koden kan inte ändras så länge det finns nivåer under den (%(codes)s).")
                                    % {"codes": ", ".join(below[:10])}, own=False))
    if active is not None and bool(active) != before["active"]:
        node.active = bool(active)
        problems += _activity_problems(node)
    _raise(problems)
    changes = {name: {"from": _shown(name, old), "to": _shown(name, getattr(node, name))}
               for name, old in before.items() if getattr(node, name) != old}
    if not changes:
        return node
    node.save()
    retired = set(changes) == {"active"} and not node.active
    kind = ClassificationEvent.CLASSIFICATION_RETIRED if retired else ClassificationEvent.CLASSIFICATION_UPDATED
    event_append(case=None, organisation_id=node.organisation_id, kind=kind, actor=actor,
                 data={"code": node.code, "title": node.title, "changes": changes})
    summary = (_("Klassificeringen %(code)s avvecklades.") if retired
               else _("Klassificeringen %(code)s ändrades.")) % {"code": node.code}
    administration_event_record(
        actor=actor, organisation=node.organisation, action="classification_retired" if retired
        else "classification_changed", object_type="classification", object_id=node.pk, summary=summary,
        changes={name: change["to"] for name, change in changes.items()})
    return node


def _activity_problems(node: Classification) -> list[Problem]:
    if not node.active:
        below = sorted(node.children.filter(active=True).values_list("code", flat=True), key=code_key)
        if below:
            return [Problem("active", _("Avveckla först det som ligger under %(code)s och fortfarande används: "
                                        "%(codes)s.") % {"code": node.code, "codes": ", ".join(below[:10])},
                            own=False)]
    elif node.parent is not None and not node.parent.active:
        return [Problem("active", _("Den överordnade nivån %(code)s används inte; ta den i bruk först.")
                        % {"code": node.parent.code}, own=False)]
    return []


def classification_retire(*, actor, classification: Classification) -> Classification:
    """Retire a node no longer used: it stays on the cases classified with it
    and in their history, and is no longer offered for new ones."""
    return classification_update(actor=actor, classification=classification, active=False)


@transaction.atomic
def classification_delete(*, actor, classification: Classification) -> None:
    """Remove a node nothing uses: no case is classified with it and no node
    lies under it (one in use is retired instead)."""
    _require_keeper(actor, classification.organisation_id)
    if in_use(classification):
        raise Conflict(_("Klassificeringen används av ärenden eller har nivåer under sig och kan inte tas bort; "
                         "avveckla den i stället."))
    data = {"code": classification.code, "title": classification.title, "level": classification.level}
    organisation_id = classification.organisation_id
    pk = classification.pk
    classification.delete()
    event_append(case=None, organisation_id=organisation_id, kind=ClassificationEvent.CLASSIFICATION_REMOVED,
                 actor=actor, data=data)
    administration_event_record(
        actor=actor, organisation=classification.organisation, action="classification_removed",
        object_type="classification", object_id=pk, summary=_("Klassificeringen %(code)s togs bort.")
        % {"code": data["code"]}, changes={"code": data["code"], "title": data["title"]})


# --- import ---------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    created: list[Classification] = field(default_factory=list)
    updated: list[Classification] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@transaction.atomic
def classification_import(*, actor, organisation, scheme: SchemeFile, filename: str = "") -> ImportResult:
    """Bring the organisation's scheme in line with a file read by
    classification_files.scheme_file_read: a node not there is added, one whose
    title, description or place differs is changed, each through
    classification_create / classification_update with its own event. Nodes
    the file does not name are left as they are, and whether a node is in use
    is not changed. Every problem of the file is reported at once, with its
    line or element, and then nothing is written; the same file imported again
    changes nothing."""
    _require_keeper(actor, organisation.pk)
    problems: list[tuple[int, str]] = list(scheme.errors)
    existing = {c.code: c for c in Classification.objects.filter(organisation=organisation).select_related("parent")}
    planned: dict[str, Classification] = {}
    first_at: dict[str, str] = {}
    rows = []
    for row in scheme.rows:
        if row.code and row.code in first_at:
            problems.append((row.line, _("%(where)s: koden %(code)s står redan på %(other)s.")
                             % {"where": row.where, "code": row.code, "other": first_at[row.code].lower()}))
            continue
        if row.code:
            first_at[row.code] = row.where
        current = existing.get(row.code)
        node = Classification(organisation=organisation, code=row.code, title=row.title, level=row.level or "",
                              description=row.description, active=current.active if current else True,
                              retention=current.retention if current else "")
        if current is not None:
            node.pk = current.pk
        planned[row.code] = node
        rows.append((row, node, current))
        if row.level_text:
            problems.append((row.line, _("%(where)s: nivån %(level)s finns inte; ange verksamhetsområde, processgrupp "
                                         "eller process, eller lämna den tom.") % {"where": row.where,
                                                                                    "level": row.level_text[:50]}))

    def lookup(code: str):
        return planned.get(code) or existing.get(code)

    for row, node, _current in rows:  # a parent is judged by the level its code gives, wherever it stands
        node.level = depth_level(row.code) or row.level or ""
    for row, node, current in rows:
        node.level = row.level or ""
        named = lookup(row.parent_code) if row.parent_code else None  # XML: the enclosing element
        found = _problems(node, named_parent=named, lookup=lookup, taken=lambda code: False,
                          placing=current is None)
        for problem in found:
            if row.schema_flagged and problem.own:
                continue  # the schema has said it
            problems.append((row.line, f"{row.where}: {_lower_first(problem.message)}"))
    if len(scheme.rows) == 0 and not problems:
        problems.append((0, _("Filen innehåller inga klassificeringar.")))
    if problems:
        problems.sort(key=lambda p: p[0])
        messages = [message for _line, message in problems]
        raise DomainError(_("Filen har %(n)s fel och inget har sparats. %(first)s")
                          % {"n": len(messages), "first": messages[0]}, errors={"file": messages})
    result = ImportResult()
    saved: dict[str, Classification] = dict(existing)
    for row, node, current in sorted(rows, key=lambda r: code_key(r[0].code)):
        parent = saved.get(node.parent.code) if node.parent is not None else None
        if current is None:
            saved[row.code] = classification_create(
                actor=actor, organisation=organisation, code=row.code, title=row.title, level=node.level,
                parent=parent, description=row.description)
            result.created.append(saved[row.code])
        elif (current.title, current.description, current.parent_id) != (
                node.title, node.description, parent.pk if parent else None):
            saved[row.code] = classification_update(actor=actor, classification=current, title=row.title,
                                                     description=row.description, parent=parent)
            result.updated.append(saved[row.code])
        else:
            result.unchanged += 1
    if result.changed:
        event_append(case=None, organisation_id=organisation.pk, kind=ClassificationEvent.CLASSIFICATION_IMPORTED,
                     actor=actor, data={"file": (filename or "")[:200], "format": scheme.format,
                                        "created": [c.code for c in result.created],
                                        "updated": [c.code for c in result.updated],
                                        "unchanged": result.unchanged})
        administration_event_record(
            actor=actor, organisation=organisation, action="classification_imported", object_type="classification",
            summary=_("Klassificeringsstrukturen importerades från %(file)s: %(created)s tillagda, %(updated)s "
                      "ändrade.") % {"file": (filename or "")[:200], "created": len(result.created),
                                     "updated": len(result.updated)},
            changes={"file": (filename or "")[:200], "created": len(result.created), "updated": len(result.updated)})
    return result


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


# --- a case's classification ------------------------------------------------------------------------
def case_classification_errors(*, organisation_id: int, classification: Classification | None) -> list[str]:
    """Why a case of the organisation may not be given `classification` (None:
    left unclassified): empty when it may. With a scheme in use it must be one
    of the organisation's processes in use; without one, any of its codes or none."""
    if classification is not None and classification.organisation_id != organisation_id:
        return [_("Klassificeringen %(code)s hör till en annan organisation.") % {"code": classification.code}]
    if not scheme_in_use(organisation_id):
        return []
    if classification is None:
        return [_("Välj en process i klassificeringsstrukturen: organisationens ärenden ska vara klassificerade.")]
    if classification.level != Level.PROCESS:
        return [_("Välj en process, inte %(level)s: %(code)s %(title)s har processer under sig.") % {
            "level": _a_level(classification.level), "code": classification.code, "title": classification.title}]
    if not classification.active:
        return [_("Processen %(code)s %(title)s används inte längre; välj en annan.") % {
            "code": classification.code, "title": classification.title}]
    return []
