# JournalEntry.reverses: from a OneToOneField (a full unique index, an entry for every posting's NULL)
# to a ForeignKey with a partial unique index over the reversals only (migration 0006 builds it).
#
# On PostgreSQL the generic AlterField would drop and re-add the foreign key, re-validating it over the
# whole journal under a lock that blocks postings; only the unique constraint has to go, which is
# instant. SQLite rebuilds the table as Django does.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE, UNIQUE = '"fund_journalentry"', '"fund_journalentry_reverses_id_key"'


class AlterFieldKeepingTheForeignKey(migrations.AlterField):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {UNIQUE}")
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT {UNIQUE} UNIQUE ("reverses_id")')
        else:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('fund', '0004_journal_fewer_indexes'),
        ('lpa', '0002_lpa_profile_criteria_officers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AlterFieldKeepingTheForeignKey(
            model_name='journalentry',
            name='reverses',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversals', to='fund.journalentry'),
        ),
    ]
