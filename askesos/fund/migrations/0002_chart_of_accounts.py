"""Seed the chart of accounts (fund.rules.CHART). Names are English; the UI translates them."""

from django.db import migrations

CHART = [
    ("1100", "Cash held by field officers", "asset", "debit"),
    ("1110", "Cash at the LPA", "asset", "debit"),
    ("1200", "Bank", "asset", "debit"),
    ("3100", "Seed grant capital", "equity", "credit"),
    ("4100", "Premium income", "income", "credit"),
    ("4200", "Third-party contributions (APBN/APBD/CSR)", "income", "credit"),
    ("5100", "Claims paid", "expense", "debit"),
    ("5200", "Field officer honoraria", "expense", "debit"),
    ("5300", "Administrative costs", "expense", "debit"),
]


def seed(apps, schema_editor):
    Account = apps.get_model("fund", "Account")
    for code, name, type_, side in CHART:
        Account.objects.update_or_create(code=code, defaults={"name": name, "type": type_, "normal_side": side})


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
