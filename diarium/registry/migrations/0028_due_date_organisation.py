from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def organisation_from_case(apps, schema_editor):
    DueDate = apps.get_model("registry", "DueDate")
    Case = apps.get_model("registry", "Case")
    db = schema_editor.connection.alias  # the database being migrated (diarium move-to-postgresql: not default)
    DueDate.objects.using(db).filter(organisation__isnull=True).update(
        organisation_id=Subquery(Case.objects.using(db).filter(pk=OuterRef("case_id")).values("organisation_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_organisation_paragraphs_restart_yearly"),
        ("registry", "0027_case_officer_status_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="duedate",
            name="organisation",
            field=models.ForeignKey(null=True, on_delete=models.deletion.PROTECT, related_name="+",
                                    to="accounts.organisation"),
        ),
        migrations.RunPython(organisation_from_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="duedate",
            name="organisation",
            field=models.ForeignKey(on_delete=models.deletion.PROTECT, related_name="+", to="accounts.organisation"),
        ),
        migrations.AddIndex(
            model_name="duedate",
            index=models.Index(condition=Q(done_at__isnull=True), fields=["organisation", "due_on"],
                               name="due_date_open_organisation"),
        ),
    ]
