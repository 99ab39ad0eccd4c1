# The notice with the agenda, drawn up when it is published (issue 8).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0001_initial'),
        ('registry', '0007_alter_event_kind'),
    ]

    operations = [
        migrations.AddField(
            model_name='meeting',
            name='notice_blob',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.blob'),
        ),
    ]
