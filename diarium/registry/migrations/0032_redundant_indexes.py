"""Drop the foreign keys' own indexes where a composite index or unique
constraint of the model starts with the same column (issue 24, part 5: about
77 of 583 MB at a county's 1M entries). Only the indexes go: altering the
fields through the schema editor would also drop and validate their foreign
key constraints again, a scan of every row of the largest tables. The file's
blob gets a named index instead of Django's pair (the plain one and a `_like`
copy for LIKE on the hash, which nothing asks)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (model, field): the index that covers the field's own, for the reader.
COVERED = (
    ("case", "case_officer"),  # case_officer_registered (case_officer, -registered_at)
    ("case", "organ"),  # case_organ_registered (organ, -registered_at)
    ("case", "organisation"),  # case_org_registered, case_diary_number_unique (organisation, …)
    ("case", "series"),  # case_number_unique_in_series (series, year, seq)
    ("classification", "organisation"),  # classification_code_unique (organisation, code)
    ("copyrequest", "organisation"),  # copy_request_received (organisation, -received_at)
    ("document", "case"),  # document_number_unique_in_case (case, number)
    ("documentfile", "blob"),  # document_file_blob (blob), added here
    ("documentfile", "document"),  # document_file_version_unique (document, position, version)
    ("documenttype", "organisation"),  # document_type_unique (organisation, name)
    ("event", "case"),  # event_case_at (case, at)
    ("event", "organisation"),  # event_organisation_at (organisation, at)
    ("eventseal", "organisation"),  # event_seal_seq_unique (organisation, seq)
    ("series", "organisation"),  # series_code_unique_per_organisation (organisation, code)
    ("seriescounter", "series"),  # series_counter_unique (series, year)
)


def _own_indexes(schema_editor, model, column: str) -> list[str]:
    """The indexes Django made for the field itself (db_index): on this one
    column, not unique, and not one of the model's named indexes or constraints."""
    named = {i.name for i in model._meta.indexes} | {c.name for c in model._meta.constraints}
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return sorted(name for name, info in constraints.items()
                  if info["index"] and not info["unique"] and not info["primary_key"]
                  and info["columns"] == [column] and name not in named)


def indexes_drop(apps, schema_editor):
    for model_name, field_name in COVERED:
        model = apps.get_model("registry", model_name)
        for name in _own_indexes(schema_editor, model, model._meta.get_field(field_name).column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def indexes_make(apps, schema_editor):
    for model_name, field_name in COVERED:
        model = apps.get_model("registry", model_name)
        field = model._meta.get_field(field_name)
        if _own_indexes(schema_editor, model, field.column):
            continue
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
        if schema_editor.connection.vendor == "postgresql":
            like = schema_editor._create_like_index_sql(model, field)  # for a varchar key (the blob's hash)
            if like is not None:
                schema_editor.execute(like)


def _fk(to, on_delete=django.db.models.deletion.PROTECT, **kwargs):
    return models.ForeignKey(db_index=False, on_delete=on_delete, to=to, **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_organisation_paragraphs_restart_yearly"),
        ("registry", "0031_document_organisation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="documentfile",
            index=models.Index(fields=["blob"], name="document_file_blob"),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(indexes_drop, indexes_make)],
            state_operations=[
                migrations.AlterField(
                    model_name="case", name="case_officer",
                    field=_fk("accounts.person", blank=True, null=True, related_name="cases",
                              verbose_name="handläggare")),
                migrations.AlterField(
                    model_name="case", name="organ",
                    field=_fk("accounts.organ", related_name="cases", verbose_name="organ")),
                migrations.AlterField(
                    model_name="case", name="organisation",
                    field=_fk("accounts.organisation", related_name="cases")),
                migrations.AlterField(
                    model_name="case", name="series",
                    field=_fk("registry.series", related_name="cases")),
                migrations.AlterField(
                    model_name="classification", name="organisation",
                    field=_fk("accounts.organisation", related_name="classifications")),
                migrations.AlterField(
                    model_name="copyrequest", name="organisation",
                    field=_fk("accounts.organisation", related_name="+")),
                migrations.AlterField(
                    model_name="document", name="case",
                    field=_fk("registry.case", related_name="documents")),
                migrations.AlterField(
                    model_name="documentfile", name="blob",
                    field=_fk("registry.blob", related_name="document_files")),
                migrations.AlterField(
                    model_name="documentfile", name="document",
                    field=_fk("registry.document", related_name="files")),
                migrations.AlterField(
                    model_name="documenttype", name="organisation",
                    field=_fk("accounts.organisation", related_name="document_types")),
                migrations.AlterField(
                    model_name="event", name="case",
                    field=_fk("registry.case", null=True, related_name="events")),
                migrations.AlterField(
                    model_name="event", name="organisation",
                    field=_fk("accounts.organisation", related_name="+")),
                migrations.AlterField(
                    model_name="eventseal", name="organisation",
                    field=_fk("accounts.organisation", related_name="+")),
                migrations.AlterField(
                    model_name="series", name="organisation",
                    field=_fk("accounts.organisation", related_name="series")),
                migrations.AlterField(
                    model_name="seriescounter", name="series",
                    field=_fk("registry.series", on_delete=django.db.models.deletion.CASCADE,
                              related_name="counters")),
            ],
        ),
    ]
