"""What the public may read is decided once, in the owning app's access.py
(docs/ARCHITECTURE.md, "Public visibility: one rule per app").

Every module of the output layer is parsed here, and none of them may reach a
domain model the public can read through its manager (`Case.objects`,
`Document._default_manager` …): it gets its rows from the access functions
(`registry.access.public_documents()`, `decisions.access.public_meetings()` …)
or from the selectors, which ask access. The models the public can read are
derived from the domain apps' models, less the internal ones listed below with
their reason; the output layer is every module of opendata, search and
documents and every view, API, feed, section and template tag module of every
app.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "diarium"

# The apps whose models hold what the public reads.
DOMAIN_APPS = ("accounts", "registry", "decisions", "remiss", "plans", "documents")

# Models of those apps that no output shows to anyone, each with its reason.
INTERNAL_MODELS = {
    ("accounts", "User"): "a login account; the public face of a person is Person",
    ("accounts", "RoleAssignment"): "rights, read only by accounts.access (grants_for)",
    ("accounts", "ApiToken"): "credentials",
    ("registry", "SeriesCounter"): "the numbering counter behind diary numbers",
    ("decisions", "ParagraphCounter"): "the numbering counter behind paragraph numbers",
    ("documents", "DocumentStyle"): "the organisation's layout settings for drawn-up documents",
    ("documents", "TemplateOverride"): "the organisation's own templates for drawn-up documents",
    ("documents", "GenerationBatch"): "the progress of background work, for staff (documents.access)",
}

# Apps whose every module is output, less the modules named here with their
# reason; and, in every app, the modules that are output wherever they are.
NOT_OUTPUT = {
    "access.py": "the rules themselves", "models.py": "the tables", "admin.py": "staff's admin",
    "apps.py": "wiring", "__init__.py": "wiring",
}
OUTPUT_PACKAGES = {
    "opendata": {},
    "search": {"models_alerts.py": "the tables of saved searches"},
    "documents": {
        "selectors.py": "the app's reads, which take the reader and ask access, as every app's selectors",
        "signing.py": "writes signatures (reads rows to change them, never to show them)",
    },
}
OUTPUT_MODULE_NAMES = {"views.py", "apis.py", "feeds.py", "sections.py"}
OUTPUT_MODULE_PREFIXES = ("apis_",)
OUTPUT_DIRECTORIES = {"apis", "templatetags"}

MANAGERS = {"objects", "_default_manager", "_base_manager"}

# Reads in the output layer that are not public output, each with its reason.
# (module path, model) -> reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("diarium/search/receivers.py", "Document"): (
        "which search records a case's write touches (ids only); what they show is projected through access"),
    ("diarium/search/receivers.py", "Decision"): (
        "which search records a case's or meeting's write touches (ids only), as above"),
    ("diarium/search/receivers.py", "SteeringDocument"): (
        "which search records a case's write touches (ids only), as above"),
    ("diarium/search/receivers.py", "FocusArea"): "the plan a changed focus area belongs to (an id), as above",
    ("diarium/search/receivers.py", "Goal"): "the plan a changed goal belongs to (an id), as above",
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    model: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.model} read through its manager, not through access"


def public_models() -> dict[str, set[str]]:
    """Model class name -> the apps defining it, for every concrete model of the
    domain apps that is not internal."""
    found: dict[str, set[str]] = {}
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.abstract or model._meta.proxy:
                continue
            if (label, model.__name__) in INTERNAL_MODELS:
                continue
            found.setdefault(model.__name__, set()).add(label)
    return found


def _models_module(module: str | None, level: int, path: str) -> str | None:
    """The app whose models.py an import names (`diarium.registry.models`,
    `.models`, `..models` …), or None."""
    if level:
        package = Path(path).parent.parts  # e.g. ("diarium", "opendata", "oparl")
        base = list(package[: len(package) - (level - 1)])
        dotted = [*base, *(module.split(".") if module else [])]
    else:
        dotted = (module or "").split(".")
    if len(dotted) == 3 and dotted[0] == "diarium" and dotted[2] in ("models", "models_alerts"):
        return dotted[1]
    return None


def violations(source: str, path: str, models: dict[str, set[str]] | None = None,
               allowed: dict[tuple[str, str], str] = ALLOWED) -> list[Violation]:
    """Every place in `source` (a module at `path`, relative to the repository)
    that reads a public model through its manager: `Model.objects`,
    `models.Model.objects`, and a manager of a model the checker cannot name
    (`MODELS[kind].objects`, `type(row).objects`, a parameter's `.objects`),
    which it counts as public."""
    models = public_models() if models is None else models
    tree = ast.parse(source, filename=path)
    names: dict[str, tuple[str, str]] = {}  # local name -> (app, model)
    model_modules: dict[str, str] = {}  # local name of a models module -> its app
    other_imports: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            app = _models_module(node.module, node.level, path)
            for alias in node.names:
                local = alias.asname or alias.name
                if app is not None:
                    names[local] = (app, alias.name)
                elif alias.name in ("models", "models_alerts"):
                    inner = _models_module(f"{node.module}.{alias.name}" if node.module else alias.name,
                                           node.level, path)
                    if inner is not None:
                        model_modules[local] = inner
                    else:
                        other_imports.add(local)
                else:
                    other_imports.add(local)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                app = _models_module(alias.name, 0, path)
                if app is not None and alias.asname:
                    model_modules[alias.asname] = app
                else:
                    other_imports.add(alias.asname or alias.name.split(".")[0])
    classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}

    def is_public(app: str, model: str) -> bool:
        return app in models.get(model, set())

    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in MANAGERS):
            continue
        target = node.value
        model = None
        if isinstance(target, ast.Name):
            if target.id in names:
                app, name = names[target.id]
                model = name if is_public(app, name) else None
            elif target.id in other_imports or target.id in classes:
                model = None  # a class of no domain app's models (django's, the output app's own)
            else:
                model = f"{target.id} (a model the checker cannot name)"
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                and target.value.id in model_modules:
            model = target.attr if is_public(model_modules[target.value.id], target.attr) else None
        else:
            model = f"{ast.unparse(target)} (a model the checker cannot name)"
        if model is not None and (path, model) not in allowed:
            found.append(Violation(path, node.lineno, model))
    return found


def output_modules() -> list[Path]:
    out = []
    for file in sorted(PACKAGE.rglob("*.py")):
        rel = file.relative_to(PACKAGE)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        app = rel.parts[0]
        if app in OUTPUT_PACKAGES:
            if len(rel.parts) == 2 and (rel.name in NOT_OUTPUT or rel.name in OUTPUT_PACKAGES[app]):
                continue
            out.append(file)
        elif (rel.name in OUTPUT_MODULE_NAMES or rel.name.startswith(OUTPUT_MODULE_PREFIXES)
              or OUTPUT_DIRECTORIES & set(rel.parts[1:-1])):
            out.append(file)
    return out


def test_the_output_layer_reads_public_models_only_through_access():
    models = public_models()
    found = []
    for file in output_modules():
        path = file.relative_to(ROOT).as_posix()
        found += violations(file.read_text(encoding="utf-8"), path, models)
    assert not found, "\n".join(map(str, found))


# --- the checker itself -------------------------------------------------------------------------
def test_the_checker_catches_a_public_model_read_added_to_a_feed():
    """The feeds module as it is passes; with one line that filters cases on its
    own, it fails on that line."""
    path = "diarium/opendata/feeds.py"
    source = (ROOT / path).read_text(encoding="utf-8")
    assert violations(source, path) == []
    added = source + (
        "\n\nfrom diarium.registry.models import Case\n\n\n"
        "def open_cases():\n"
        "    return Case.objects.filter(status=Case.Status.OPEN)\n"
    )
    line = added.splitlines().index("    return Case.objects.filter(status=Case.Status.OPEN)") + 1
    assert violations(added, path) == [Violation(path, line, "Case")]


@pytest.mark.parametrize("source, path, model", [
    # an alias, and the other managers
    ("from diarium.registry.models import Document as D\nD._default_manager.all()\n",
     "diarium/opendata/dumps.py", "Document"),
    ("from diarium.decisions.models import Decision\nDecision._base_manager.all()\n",
     "diarium/search/projection.py", "Decision"),
    # the models module imported whole
    ("from diarium.plans import models\nmodels.SteeringDocument.objects.all()\n",
     "diarium/opendata/dumps.py", "SteeringDocument"),
    ("import diarium.remiss.models as remiss_models\nremiss_models.RemissRecipient.objects.all()\n",
     "diarium/remiss/views.py", "RemissRecipient"),
    # an app's own models, imported relatively, in its views and API
    ("from .models import Meeting\nMeeting.objects.filter(status='planned')\n",
     "diarium/decisions/views.py", "Meeting"),
    ("from ..models import Membership\nMembership.objects.all()\n",
     "diarium/decisions/apis/meetings.py", "Membership"),
    ("from .models import DocumentSignature\nDocumentSignature.objects.all()\n",
     "diarium/documents/drawers.py", "DocumentSignature"),
    # a manager of a model the checker cannot name counts as public
    ("MODELS = {}\nMODELS['case'].objects.count()\n", "diarium/search/projection.py",
     "MODELS['case'] (a model the checker cannot name)"),
    ("def f(model):\n    return model.objects.all()\n", "diarium/plans/views.py",
     "model (a model the checker cannot name)"),
])
def test_the_checker_names_every_way_to_a_manager(source, path, model):
    assert [v.model for v in violations(source, path)] == [model]


@pytest.mark.parametrize("source, path", [
    # rows from access, and what they are narrowed to
    ("from diarium.registry import access\naccess.public_documents().filter(case__organ_id=1)\n",
     "diarium/opendata/feeds.py"),
    # an output app's own tables
    ("from .models import Withdrawal\nWithdrawal.objects.all()\n", "diarium/opendata/withdrawals.py"),
    ("from ..models import Withdrawal\nWithdrawal.objects.all()\n", "diarium/opendata/oparl/views.py"),
    # internal models, which no output shows
    ("from diarium.accounts.models import RoleAssignment\nRoleAssignment.objects.all()\n",
     "diarium/accounts/views.py"),
    # a name that is no model
    ("from django.contrib.auth.models import Group\nGroup.objects.all()\n", "diarium/accounts/views.py"),
])
def test_the_checker_lets_access_rows_and_other_tables_through(source, path):
    assert violations(source, path) == []


def test_the_checked_modules_are_the_output_layer():
    checked = {file.relative_to(ROOT).as_posix() for file in output_modules()}
    for path in ("diarium/opendata/feeds.py", "diarium/opendata/dumps.py", "diarium/opendata/dcat.py",
                 "diarium/opendata/selectors.py", "diarium/opendata/oparl/querysets.py",
                 "diarium/opendata/withdrawals.py", "diarium/search/projection.py", "diarium/search/alerts.py",
                 "diarium/search/selectors.py", "diarium/documents/batches.py", "diarium/documents/drawers.py",
                 "diarium/registry/views.py", "diarium/registry/apis.py", "diarium/registry/apis_copies.py",
                 "diarium/decisions/apis/meetings.py", "diarium/registry/templatetags/diarium_tags.py",
                 "diarium/remiss/sections.py", "diarium/plans/views.py", "diarium/accounts/apis.py"):
        assert path in checked, path
    for path in ("diarium/registry/access.py", "diarium/registry/selectors.py", "diarium/decisions/services/minutes.py"):
        assert path not in checked, path


def test_the_public_models_are_the_domain_apps_models_less_the_named_internal_ones():
    models = public_models()
    for name in ("Case", "Document", "DocumentFile", "Event", "Meeting", "AgendaItem", "Decision",
                 "DecisionRecipient", "OfficerReport", "Proposal", "Minutes", "Membership", "Assignment", "Person",
                 "Organ", "Organisation", "RemissRound", "RemissRecipient", "SteeringDocument", "PlanVersion",
                 "FocusArea", "Goal", "Action", "DocumentSignature"):
        assert name in models, name
    for app, name in INTERNAL_MODELS:
        assert apps.get_model(app, name) is not None
        assert app not in models.get(name, set())


def test_every_allowed_read_is_still_there():
    """An entry of the allow-list whose read is gone goes with it."""
    for path, model in ALLOWED:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert model in {v.model for v in violations(source, path, allowed={})}, (path, model)
