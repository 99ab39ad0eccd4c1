"""SearchRecord.key indexed once: as db_index on PostgreSQL the key had a
second, `_like` index (varchar_pattern_ops) for LIKE 'x%', and keys are only
looked up whole (key = …, key IN …)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_file_texts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchrecord",
            index=models.Index(fields=["key"], name="search_record_key"),
        ),
        migrations.AlterField(
            model_name="searchrecord",
            name="key",
            field=models.CharField(max_length=60),
        ),
    ]
