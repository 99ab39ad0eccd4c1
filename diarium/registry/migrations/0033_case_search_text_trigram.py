"""On PostgreSQL, a trigram index on the cases' search_text for the register's
text filter (`search_text LIKE '%…%'`, selectors.case_list): without it every
filtered page reads the whole table (36–50 ms at a county's 1M entries, about
0.5 s at 10M). pg_trgm is a trusted extension (PostgreSQL 13 and later): the
database's owner may create it without being a superuser. The index is built
CONCURRENTLY, so a large register takes registrations meanwhile (plainly when
migrated inside a transaction: a restore migrates in its own). Other databases
(SQLite) scan, as before."""

from django.db import migrations

INDEX = "case_search_text_trigram"


def trigram_index_make(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = apps.get_model("registry", "Case")._meta.db_table
    concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # A build that was interrupted leaves an invalid index behind: make it again.
        cursor.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [INDEX])
        row = cursor.fetchone()
        if row is not None and row[0]:
            cursor.execute(f'DROP INDEX{concurrently} "{INDEX}"')
        cursor.execute(f'CREATE INDEX{concurrently} IF NOT EXISTS "{INDEX}" ON "{table}" '
                       "USING gin (search_text gin_trgm_ops)")


def trigram_index_drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX{concurrently} IF EXISTS "{INDEX}"')  # the extension stays: others may use it


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY only outside a transaction

    dependencies = [
        ("registry", "0032_redundant_indexes"),
    ]

    operations = [
        migrations.RunPython(trigram_index_make, trigram_index_drop, atomic=False),
    ]
