# ruff: noqa: E501, RUF002
"""A realistic East Jakarta population for the benchmarks (not part of the test suite).

Both shapes come from the same generator as the demo (``askesos.registry.demo.demo_rows``): Faker
``id_ID`` names, structurally valid NIKs (district, birth date, sex, serial), an uneven spread over
the 65 kelurahan of 31.75, ~1 % planted likely-duplicates.

- ``write_import_csv``: the importer's template (``registry.importer.COLUMNS``) as a CSV file,
  streamed to disk (cached per size under /tmp, since generating 1M rows with Faker takes minutes).
- ``populate``: the same persons written set-based into the database (executemany), one membership
  each (valid member numbers ``3175-NNNNNNN-D``, statuses consistent with ``paid_through``: 73 %
  active, 17 % arrears, 10 % lapsed) and a payment history of 12 monthly premiums per member
  (one ``INSERT … SELECT`` over memberships × 12 months), one LPA and one field officer per
  kecamatan, and two API users with tokens (a Dinas Sosial officer for 31.75, an LPA manager).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SEED = 2026
PREMIUM = 5000
PAYMENTS_PER_MEMBER = 12
_MARITAL = {
    "Belum kawin": "belum_kawin",
    "Kawin": "kawin",
    "Cerai hidup": "cerai_hidup",
    "Cerai mati": "cerai_mati",
}
# member index % 100 → months of paid_through relative to the current month (status follows).
_PAID_OFFSET = [0] * 60 + [1] * 8 + [2] * 5 + [-1] * 8 + [-2] * 5 + [-3] * 4 + [-5] * 4 + [-8] * 6


def csv_path(n: int) -> Path:
    return Path(f"/tmp/askesos-bench-import-{n}-s{SEED}.csv")


def _rows(n: int, today: dt.date) -> Iterator[dict[str, Any]]:
    from askesos.registry.demo import demo_rows, east_jakarta_kelurahan

    return demo_rows(count=n, today=today, seed=SEED, kelurahan_codes=east_jakarta_kelurahan())


def write_import_csv(n: int, today: dt.date) -> Path:
    """The import file for ``n`` persons (generated once per size, then reused)."""
    from askesos.registry.importer import COLUMNS

    path = csv_path(n)
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in _rows(n, today):
            writer.writerow(row)
    os.replace(tmp, path)
    return path


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _reference(today: dt.date) -> dict[str, Any]:
    """One LPA and one field officer per kecamatan of 31.75; the scheme (Rp 5.000 a month)."""
    from askesos.lpa.models import FieldOfficer, Lpa
    from askesos.regions import codes
    from askesos.regions.models import Region
    from askesos.schemes.models import Scheme, SchemeVersion

    low, high = codes.subtree_range(codes.code_to_key("31.75"), codes.LEVEL_CITY)
    villages = list(Region.objects.filter(level=codes.LEVEL_VILLAGE, id__gte=low, id__lt=high).order_by("id"))
    lpa_of_kecamatan: dict[int, Lpa] = {}
    officers: dict[int, int] = {}
    for village in villages:
        kecamatan = village.id // 10**4
        if kecamatan not in lpa_of_kecamatan:
            i = len(lpa_of_kecamatan) + 1
            lpa = Lpa.objects.create(
                code=f"LPA-JT-B{i:02d}", name=f"LPA Bench {i}", kelurahan=village, status="active"
            )
            lpa_of_kecamatan[kecamatan] = lpa
            officers[lpa.pk] = FieldOfficer.objects.create(
                lpa=lpa,
                full_name=f"Petugas {i}",
                nik=f"3175{i:02d}0101800001",
                active_from=dt.date(2020, 1, 1),
            ).pk
    scheme = Scheme.objects.create(code="ASKESOS-BENCH", name="ASKESOS (bench)")
    SchemeVersion.objects.create(
        scheme=scheme,
        effective_from=dt.date(2020, 1, 1),
        premium_monthly=PREMIUM,
        grace_months=3,
        exit_age=65,
    )
    return {
        "villages": len(villages),
        "lpa_of_kecamatan": lpa_of_kecamatan,
        "officers": officers,
        "scheme": scheme,
    }


def populate(n: int, today: dt.date) -> dict[str, Any]:
    """Write ``n`` persons + memberships + 12 payments each; returns what the load drivers need."""
    from django.db import connection, transaction

    from askesos.membership.models import MemberNumberCounter
    from askesos.membership.rules import format_member_number
    from askesos.registry import rules
    from askesos.registry.models import Person

    month = today.replace(day=1)
    occupation = {label: value for value, label in rules.OCCUPATION_LABELS_ID.items()}
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    no_warnings = Person._meta.get_field("nik_warnings").get_db_prep_save([], connection)
    with transaction.atomic():
        ref = _reference(today)
        lpas = ref["lpa_of_kecamatan"]
        persons = []
        for row in _rows(n, today):
            kel = int(row["kode_kelurahan"].replace(".", ""))
            day, mon, year = row["tanggal_lahir"].split("/")
            phone = row["telepon"]
            persons.append((
                row["nik"], row["nama"], ops.adapt_datefield_value(dt.date(int(year), int(mon), int(day))),
                row["jenis_kelamin"], _MARITAL[row["status_kawin"]], occupation[row["pekerjaan"]],
                int(row["penghasilan"].replace(".", "")), row["pencari_nafkah_utama"] == "ya",
                "+62" + phone[1:] if phone else "", row["alamat"], kel, lpas[kel // 10**4].pk, no_warnings,
                stamp, stamp,
            ))  # fmt: skip
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO registry_person (nik, full_name, birth_date, sex, marital_status, occupation, "
                "monthly_income, is_breadwinner, phone, address, kelurahan_id, lpa_id, nik_warnings, created_at, "
                "updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                persons,
            )
        del persons
        memberships = []
        for seq, (pid, kel, lpa_id) in enumerate(
            Person.objects.order_by("id")
            .values_list("id", "kelurahan_id", "lpa_id")
            .iterator(chunk_size=5000),
            1,
        ):
            offset = _PAID_OFFSET[seq % 100]
            paid_through = _add_months(month, offset)
            start = _add_months(paid_through, -(PAYMENTS_PER_MEMBER - 1))
            status = "active" if offset >= 0 else ("arrears" if offset >= -3 else "lapsed")
            since = start if status == "active" else _add_months(paid_through, 1)
            memberships.append((
                pid, ref["scheme"].pk, lpa_id, format_member_number("3175", seq), ops.adapt_datefield_value(start),
                ops.adapt_datefield_value(start), ops.adapt_datefield_value(paid_through), status,
                ops.adapt_datefield_value(since), "", kel, stamp,
            ))  # fmt: skip
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO membership_membership (person_id, scheme_id, lpa_id, member_number, enrolled_on, "
                "coverage_start, paid_through, status, status_since, termination_reason, region_id, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                memberships,
            )
        del memberships
        MemberNumberCounter.objects.update_or_create(city_key="3175", defaults={"last_value": n})
        _payment_history(today)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM contributions_payment")
        payments = cur.fetchone()[0]
    return {
        "n": n,
        "payments": payments,
        "lpas": [lpa.pk for lpa in lpas.values()],
        "villages": ref["villages"],
    }


def _payment_history(today: dt.date) -> None:
    """12 monthly premiums per member ending at its paid_through, set-based (one INSERT … SELECT)."""
    from django.db import connection

    pg = connection.vendor == "postgresql"
    months = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(PAYMENTS_PER_MEMBER))
    if pg:
        period = "(m.paid_through - make_interval(months => h.k))::date"
        paid_on = f"LEAST(({period} + (m.id % 25)::int), '{today}'::date)"
        recorded = f"({paid_on})::timestamp + interval '10 hours'"
        receipt = "'H' || m.id || '-' || h.k"
    else:
        period = "date(m.paid_through, '-' || h.k || ' months')"
        paid_on = f"min(date({period}, '+' || (m.id % 25) || ' days'), '{today}')"
        recorded = f"{paid_on} || ' 10:00:00'"
        receipt = "'H' || m.id || '-' || h.k"
    channel = "CASE WHEN m.id % 10 < 6 THEN 'cash_officer' WHEN m.id % 10 < 8 THEN 'bank_transfer' ELSE 'ewallet_qris' END"
    collector = "CASE WHEN m.id % 10 < 6 THEN o.id END"
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO contributions_payment (membership_id, lpa_id, region_id, amount, months_covered, "
            "period_from, period_to, channel, payer, paid_on, collector_id, receipt_number, credit_applied, "
            "credit_created, recorded_at) "
            f"SELECT m.id, m.lpa_id, m.region_id, {PREMIUM}, 1, {period}, {period}, {channel}, 'member', "
            f"{paid_on}, {collector}, {receipt}, 0, 0, {recorded} "
            f"FROM membership_membership m CROSS JOIN ({months}) h JOIN lpa_fieldofficer o ON o.lpa_id = m.lpa_id "
            "ORDER BY h.k DESC, m.id"
        )


def api_users() -> dict[str, str]:
    """A Dinas Sosial officer for East Jakarta (member lookups) and an LPA manager of every bench LPA
    (payments), each with a personal API token."""
    from askesos.accounts.models import User
    from askesos.api.tokens import token_create
    from askesos.lpa.models import Lpa
    from askesos.regions.models import Region

    dinsos = User.objects.create_user(
        username="bench_dinsos", password="bench-horse-9x", role="dinsos_officer"
    )
    dinsos.scope_regions.set([Region.objects.get(code="31.75")])
    manager = User.objects.create_user(username="bench_lpa", password="bench-horse-9x", role="lpa_manager")
    manager.scope_lpas.set(Lpa.objects.filter(code__startswith="LPA-JT-B"))
    return {
        "lookup_token": token_create(actor=dinsos, name="bench lookup")[1],
        "pay_token": token_create(actor=manager, name="bench payments")[1],
    }
