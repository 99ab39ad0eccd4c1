"""Reads of an organisation's classification scheme (verksamhetsområde →
processgrupp → process): the tree with the number of cases classified under
each node, the choices a case form offers, the cases not yet classified, and
whether the organisation has a scheme in use at all (an active process),
which makes classifying a case required (services.classification).

The scheme is read by the organisation's registrars and administrators
(access.can_read_scheme) and kept by its administrators (access.can_keep_scheme)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organisation
from diarium.core.errors import NotFound, PermissionDenied

from .. import access
from ..models import Case, Classification

Level = Classification.Level


def code_key(code: str) -> tuple:
    """Order codes as numbers where they are numbers: 1.2 before 1.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


def scheme_in_use(organisation_id: int) -> bool:
    """Whether the organisation classifies its cases: its scheme has at least
    one process in use. Then every case it registers (or changes the
    classification of) gets one of those processes."""
    return Classification.objects.filter(organisation_id=organisation_id, level=Level.PROCESS,
                                         active=True).exists()


def organisations_with_scheme(organisation_ids: Iterable[int]) -> set[int]:
    """Of these organisations, those with a scheme in use (scheme_in_use), in one query."""
    return set(Classification.objects.filter(organisation_id__in=list(organisation_ids), level=Level.PROCESS,
                                             active=True).values_list("organisation_id", flat=True).distinct())


# --- which organisation's scheme a page shows ------------------------------------------------
def scheme_organisation(user, asked: int | None) -> Organisation:
    """scheme_organisation_id's organisation."""
    return Organisation.objects.get(pk=scheme_organisation_id(user, asked))


def scheme_organisation_id(user, asked: int | None) -> int:
    """The organisation whose scheme the user asked for, else the first one
    whose scheme they may read; refused when they may read none (or not the one asked)."""
    if asked is not None:
        candidates = [asked]
    else:
        grants = roles.grants_for(user)
        candidates = sorted(grants.organisation_ids)
        if not candidates and grants.superuser:
            candidates = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:1])
    for organisation_id in candidates:
        if access.can_read_scheme(user, organisation_id):
            return organisation_id
    raise PermissionDenied(_("Du har inte behörighet att se klassificeringsstrukturen."))


def _counted(qs: QuerySet[Classification]) -> QuerySet[Classification]:
    """`case_count`: the cases classified with the node (not those under it);
    `child_count`: the nodes right under it."""
    return qs.select_related("parent", "organisation").annotate(
        case_count=Count("cases", distinct=True), child_count=Count("children", distinct=True))


def scheme_node(*, user, pk: int) -> Classification:
    """One node with its counts, for one who may read its organisation's
    scheme; for anyone else it is not found."""
    found = _counted(Classification.objects.filter(pk=pk)).first()
    if found is None or not access.can_read_scheme(user, found.organisation_id):
        raise NotFound(_("Klassificeringen finns inte."))
    return found


def scheme_nodes(organisation_id: int) -> list[Classification]:
    """Every node of the organisation's scheme in code order, with their counts (_counted)."""
    return sorted(_counted(Classification.objects.filter(organisation_id=organisation_id)),
                  key=lambda c: code_key(c.code))


# --- the tree ----------------------------------------------------------------------------------
@dataclass
class TreeNode:
    node: Classification
    children: list[TreeNode] = field(default_factory=list)

    @property
    def cases(self) -> int:
        """The cases classified with this node."""
        return self.node.case_count

    @property
    def total(self) -> int:
        """The cases classified with this node or any node under it."""
        return self.cases + sum(child.total for child in self.children)


@dataclass
class SchemeTree:
    organisation_id: int
    areas: list[TreeNode]
    # Nodes the hierarchy does not hold: a processgrupp or process without a parent
    # (codes of before the scheme had levels), for the administrator to place.
    unplaced: list[TreeNode]
    unclassified: int  # the organisation's cases without a classification
    in_use: bool  # scheme_in_use
    counts: dict[str, int]  # nodes per level, the retired ones included

    @property
    def empty(self) -> bool:
        return not self.areas and not self.unplaced

    @property
    def rows(self) -> list[TreeNode]:
        """The hierarchy in order, each node followed by those under it."""
        return _walk(self.areas)

    @property
    def unplaced_rows(self) -> list[TreeNode]:
        return _walk(self.unplaced)


def _walk(nodes: list[TreeNode]) -> list[TreeNode]:
    out: list[TreeNode] = []
    for tree_node in nodes:
        out.append(tree_node)
        out.extend(_walk(tree_node.children))
    return out


def scheme_tree(*, user, organisation_id: int) -> SchemeTree:
    """The organisation's scheme as a tree, with the cases per node: three
    queries, however large the scheme."""
    if not access.can_read_scheme(user, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att se klassificeringsstrukturen."))
    nodes = scheme_nodes(organisation_id)
    by_id = {n.pk: TreeNode(n) for n in nodes}
    areas, unplaced = [], []
    for n in nodes:
        tree_node = by_id[n.pk]
        if n.parent_id is not None and n.parent_id in by_id:
            by_id[n.parent_id].children.append(tree_node)
        elif n.level == Level.AREA:
            areas.append(tree_node)
        else:
            unplaced.append(tree_node)
    counts = {level: sum(1 for n in nodes if n.level == level) for level in Level.values}
    return SchemeTree(
        organisation_id=organisation_id, areas=areas, unplaced=unplaced,
        unclassified=unclassified_cases(user=user, organisation_id=organisation_id).count(),
        in_use=any(n.level == Level.PROCESS and n.active for n in nodes), counts=counts)


def parent_choices(organisation_id: int, *, level: str | None = None) -> list[Classification]:
    """Nodes a new node may be put under: the verksamhetsområden and
    processgrupper in use (of `level` only, if given), in code order."""
    levels = [level] if level else [Level.AREA, Level.GROUP]
    rows = Classification.objects.filter(organisation_id=organisation_id, level__in=levels, active=True)
    return sorted(rows, key=lambda c: code_key(c.code))


# --- what a case form offers ---------------------------------------------------------------------
def case_classifications(organisation_ids: Iterable[int] | None, *, current: Classification | None = None
                         ) -> list[Classification]:
    """The classifications a case of these organisations (None: every
    organisation) may be given, in code order with their parents: the
    processes in use where the organisation has a scheme in use, else every
    node in use (a flat list of codes, as before schemes had levels); and the
    case's `current` one, whatever it is, so that a form shows it. One query
    (the nodes in use are a few hundred at most)."""
    qs = Classification.objects.filter(active=True).select_related("parent", "organisation")
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    rows = list(qs)
    schemed = {c.organisation_id for c in rows if c.level == Level.PROCESS}
    rows = [c for c in rows if c.level == Level.PROCESS or c.organisation_id not in schemed]
    if current is not None and all(c.pk != current.pk for c in rows):
        rows.append(current)
    return sorted(rows, key=lambda c: (c.organisation_id, code_key(c.code)))


# --- cases without a classification ----------------------------------------------------------------
def unclassified_cases(*, user, organisation_id: int) -> QuerySet[Case]:
    """The organisation's cases without a classification, oldest first, for
    one who may classify them (access.can_classify_cases)."""
    if not access.can_classify_cases(user, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att klassificera organisationens ärenden."))
    return (Case.objects.filter(organisation_id=organisation_id, classification__isnull=True)
            .select_related("organ", "case_officer").order_by("registered_at", "id"))


# --- the command line (diarium classification-import) ------------------------------------------------
def organisation_named(named: str) -> Organisation | None:
    """The organisation a command names by its short name (slug) or its id."""
    named = (named or "").strip()
    by_id = Q(pk=int(named)) if named.isdigit() and len(named) < 12 else Q(pk__in=[])
    return roles.public_organisations().filter(Q(slug=named) | by_id).order_by("pk").first()


def active_user_named(username: str):
    """The active user with this username, or None."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username, is_active=True).first()

