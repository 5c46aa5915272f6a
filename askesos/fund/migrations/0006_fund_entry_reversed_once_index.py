# The partial unique index over reversals (see 0005). On PostgreSQL it is built CONCURRENTLY, so that
# postings go on while it scans the journal; hence this migration is not atomic (one statement).

from django.db import migrations, models

INDEX = '"fund_entry_reversed_once"'


class AddConstraintConcurrently(migrations.AddConstraint):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            # an interrupted earlier run leaves an invalid index of this name: build it anew
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
            schema_editor.execute(
                f'CREATE UNIQUE INDEX CONCURRENTLY {INDEX} ON "fund_journalentry" ("reverses_id") '
                'WHERE "reverses_id" IS NOT NULL'
            )
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        else:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('fund', '0005_fund_entry_reversed_once'),
    ]

    operations = [
        AddConstraintConcurrently(
            model_name='journalentry',
            constraint=models.UniqueConstraint(condition=models.Q(('reverses__isnull', False)), fields=('reverses',), name='fund_entry_reversed_once'),
        ),
    ]
