# PAYMENT_UPDATE_STAYS_HOT (membership.models.Membership): no index holds paid_through, and on
# PostgreSQL each page keeps 15 % free, so that a payment's UPDATE of the membership is heap-only.

from django.db import migrations

FILLFACTOR = 85


def _fillfactor(value: int | None):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite has no fillfactor and no heap-only updates
        table = schema_editor.quote_name(apps.get_model("membership", "Membership")._meta.db_table)
        if value is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {value})")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('membership', '0004_membership_fewer_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='membership',
            name='membership_cycle_idx',
        ),
        # Applies to pages written from now on; existing rows move to roomier pages as they are
        # updated (or at once with VACUUM FULL / pg_repack in a maintenance window: docs/operations.md).
        migrations.RunPython(_fillfactor(FILLFACTOR), _fillfactor(None)),
    ]
