"""Which tables a backup holds, in which order, and the models to read and
write them with.

The models are the historical ones of the migration state the database is at
(`django_migrations`), read through Django's app registry of that state: a
backup of a database one version behind the code still reads its tables as
they are, and a restore loads an older backup's rows before migrating them
forward. Core names no app: every model comes from the app registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

# Not in a backup: logins in progress (a restored installation signs everyone
# in again) and the shared cache (its table is no model; it is rebuilt as it is read).
SKIPPED = frozenset({"sessions.session"})
# Written by `migrate` itself (post_migrate): a freshly migrated database holds
# them, and a restore replaces them with the backup's (other rows point at their ids).
MIGRATE_MADE = ("contenttypes.contenttype", "auth.permission")


def label(model) -> str:
    return model._meta.label_lower


def applied(using: str) -> list[tuple[str, str]]:
    """The migrations recorded as applied, as django_migrations has them."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted(recorder.applied_migrations())


def loader(using: str) -> MigrationLoader:
    return MigrationLoader(connections[using], ignore_no_migrations=True)


def unknown_migrations(migrations, graph_loader: MigrationLoader) -> list[str]:
    """Migrations of the list this code does not have (the data is from a newer version)."""
    nodes = graph_loader.graph.nodes
    replaced = {old for key, migration in graph_loader.replacements.items() for old in migration.replaces}
    return [f"{app}.{name}" for app, name in migrations if (app, name) not in nodes and (app, name) not in replaced]


def unapplied(using: str) -> list[str]:
    """The code's migrations the database has not applied."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def state_apps(graph_loader: MigrationLoader, migrations):
    """The app registry of the models as they are after `migrations`."""
    nodes = [key for key in map(tuple, migrations) if key in graph_loader.graph.nodes]
    return graph_loader.project_state(nodes, at_end=True).apps


def targets(graph_loader: MigrationLoader, migrations) -> list[tuple[str, str | None]]:
    """The migrate targets reaching exactly `migrations` (per app its last one;
    an app of the code none of which is applied: back to zero)."""
    chosen = {tuple(m) for m in migrations if tuple(m) in graph_loader.graph.nodes}
    result: list[tuple[str, str | None]] = []
    apps_with = {app for app, _name in chosen}
    for app, name in sorted(chosen):
        children = graph_loader.graph.node_map[(app, name)].children
        if not any(child.key in chosen and child.key[0] == app for child in children):
            result.append((app, name))
    for app in sorted({app for app, _name in graph_loader.graph.nodes} - apps_with):
        result.append((app, None))
    return result


@dataclass(frozen=True)
class Table:
    model: type
    label: str
    db_table: str
    fields: tuple

    @property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]


def tables(apps) -> list[Table]:
    """Every table of the registry's concrete models, each after the tables it
    points to (a self-reference or a cycle is loaded with the constraint checks
    deferred to the end of the transaction)."""
    models = {label(m): m for m in apps.get_models(include_auto_created=True)
              if m._meta.managed and not m._meta.proxy and not m._meta.swapped and label(m) not in SKIPPED}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:  # a cycle: its checks are deferred
            return
        state[name] = 1
        for field in models[name]._meta.concrete_fields:
            if field.is_relation and field.related_model is not None:
                target = label(field.related_model)
                if target != name and target in models:
                    visit(target)
        state[name] = 2
        order.append(name)

    for name in sorted(models):
        visit(name)
    return [Table(models[n], n, models[n]._meta.db_table, tuple(models[n]._meta.concrete_fields)) for n in order]


def occupied(using: str) -> list[str]:
    """The tables of the database that hold rows (beyond what `migrate` itself
    writes): a restore goes into an empty database only."""
    from django.apps import apps

    connection = connections[using]
    existing = set(connection.introspection.table_names())
    found = []
    for table in tables(apps):
        if table.db_table not in existing or table.label in MIGRATE_MADE:
            continue
        if table.model._base_manager.using(using).exists():
            found.append(table.label)
    sessions = [m for m in apps.get_models() if label(m) in SKIPPED]
    for model in sessions:
        if model._meta.db_table in existing and model._base_manager.using(using).exists():
            found.append(label(model))
    return found


def refuse_occupied(using: str) -> None:
    found = occupied(using)
    if found:
        raise DomainError(
            _("Måldatabasen är inte tom: %(n)s tabeller har rader (%(tables)s). Återläsning görs bara till en tom "
              "databas; skapa en ny databas och ange den.") % {"n": len(found), "tables": ", ".join(found[:8])
                                                                + (" …" if len(found) > 8 else "")})
