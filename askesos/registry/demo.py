"""Demo data: realistic East Jakarta informal workers, generated deterministically from a seed.

Names come from Faker ``id_ID``; NIKs are structurally valid (district codes of 31.75's kecamatan,
birth date and sex encoded, unique serials); persons are spread unevenly over all 65 kelurahan of
31.75; about 1 % are planted likely-duplicates (same human, NIK typed with another serial). Rows go
through the bulk import path, so running it again adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import transaction
from faker import Faker

from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region
from askesos.registry import rules
from askesos.registry.importer import COLUMNS, import_job_create, import_run
from askesos.registry.models import Heir, MaritalStatus, Occupation, Person

EAST_JAKARTA = "31.75"

# (occupation, weight, income low, income high) - monthly rupiah, informal-sector ranges.
_OCCUPATIONS: list[tuple[str, int, int, int]] = [
    (Occupation.STREET_VENDOR, 22, 900_000, 3_500_000),
    (Occupation.MARKET_TRADER, 10, 1_200_000, 4_500_000),
    (Occupation.SMALL_SHOP, 8, 1_000_000, 4_000_000),
    (Occupation.OJEK_DRIVER, 16, 1_500_000, 4_000_000),
    (Occupation.BECAK_DRIVER, 1, 600_000, 1_500_000),
    (Occupation.ANGKOT_DRIVER, 4, 1_500_000, 3_500_000),
    (Occupation.TAILOR, 4, 800_000, 2_500_000),
    (Occupation.DOMESTIC_WORKER, 9, 900_000, 2_500_000),
    (Occupation.LABOURER, 8, 700_000, 2_800_000),
    (Occupation.CONSTRUCTION, 6, 1_500_000, 3_500_000),
    (Occupation.PORTER, 3, 800_000, 2_200_000),
    (Occupation.SCAVENGER, 3, 500_000, 1_500_000),
    (Occupation.PARKING, 3, 800_000, 2_000_000),
    (Occupation.HOME_INDUSTRY, 2, 700_000, 2_500_000),
    (Occupation.SERVICES, 2, 1_000_000, 3_000_000),
    (Occupation.ARTIST, 1, 400_000, 1_500_000),
]
_MARITAL = [(MaritalStatus.MARRIED, 70), (MaritalStatus.SINGLE, 15), (MaritalStatus.DIVORCED, 7),
            (MaritalStatus.WIDOWED, 8)]  # fmt: skip
_MOBILE = ("0812", "0813", "0821", "0852", "0857", "0858", "0878", "0877", "0896", "0838", "0881")
_SEX_LABEL = {"L": "L", "P": "P"}
_MARITAL_LABEL = {
    MaritalStatus.SINGLE: "Belum kawin",
    MaritalStatus.MARRIED: "Kawin",
    MaritalStatus.DIVORCED: "Cerai hidup",
    MaritalStatus.WIDOWED: "Cerai mati",
}


def _nik(district6: str, born: dt.date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{district6}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


class _Generator:
    def __init__(self, *, kelurahan_codes: Sequence[str], today: dt.date, seed: int):
        self.rng = random.Random(seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.today = today
        self.kelurahan = list(kelurahan_codes)
        self.weights = [1 + self.rng.random() * 5 for _ in self.kelurahan]
        self.serials: dict[tuple[str, dt.date, str], int] = {}
        self.kk_serials: dict[str, int] = {}

    def serial(self, key: tuple[str, dt.date, str]) -> int:
        self.serials[key] = self.serials.get(key, 0) + 1
        return self.serials[key]

    def person(self, index: int) -> dict[str, Any]:
        rng = self.rng
        code = (
            self.kelurahan[index]
            if index < len(self.kelurahan)
            else rng.choices(self.kelurahan, self.weights)[0]
        )
        district = code.replace(".", "")[:6]
        sex = "L" if rng.random() < 0.62 else "P"
        age_days = rng.randint(21 * 365 + 6, 59 * 365)
        born = self.today - dt.timedelta(days=age_days)
        nik = _nik(district, born, sex, self.serial((district, born, sex)))
        name = self.fake.name_male() if sex == "L" else self.fake.name_female()
        occupation, _w, low, high = rng.choices(_OCCUPATIONS, [o[1] for o in _OCCUPATIONS])[0]
        income = rng.randint(low // 50_000, high // 50_000) * 50_000
        issued = self.today - dt.timedelta(days=rng.randint(200, 6000))
        kk_key = f"{district}{issued:%d%m%y}"
        self.kk_serials[kk_key] = self.kk_serials.get(kk_key, 0) + 1
        phone = "" if rng.random() < 0.08 else f"{rng.choice(_MOBILE)}{rng.randint(1_000_000, 99_999_999)}"
        return {
            "nik": nik,
            "no_kk": f"{kk_key}{self.kk_serials[kk_key]:04d}",
            "nama": name,
            "tanggal_lahir": born.strftime("%d/%m/%Y"),
            "jenis_kelamin": _SEX_LABEL[sex],
            "status_kawin": _MARITAL_LABEL[
                rng.choices([m for m, _ in _MARITAL], [w for _, w in _MARITAL])[0]
            ],
            "pekerjaan": rules.OCCUPATION_LABELS_ID[occupation],
            "penghasilan": f"{income:,}".replace(",", "."),
            "pencari_nafkah_utama": "ya" if rng.random() < 0.88 else "tidak",
            "telepon": phone,
            "alamat": f"{self.fake.street_address()}, RT {rng.randint(1, 15):03d}/RW {rng.randint(1, 12):03d}",  # noqa: E501
            "kode_kelurahan": code,
        }

    def duplicate_of(self, row: dict[str, Any]) -> dict[str, Any]:
        """The same human typed again: another serial in the NIK, the name slightly different."""
        born = rules.parse_date(row["tanggal_lahir"])
        district = row["nik"][:6]
        copy = dict(row)
        copy["nik"] = _nik(
            district, born, row["jenis_kelamin"], self.serial((district, born, row["jenis_kelamin"]))
        )
        words = row["nama"].split()
        if len(words) > 1 and self.rng.random() < 0.5:
            copy["nama"] = " ".join(reversed(words))
        else:
            name = row["nama"]
            pos = self.rng.randrange(1, max(len(name) - 1, 2))
            copy["nama"] = name[:pos] + name[pos + 1 :]
        return copy

    def rows(self, count: int) -> Iterator[dict[str, Any]]:
        planted = max(count // 100, 1) if count >= 50 else 0
        originals: list[dict[str, Any]] = []
        for index in range(count - planted):
            row = self.person(index)
            if len(originals) < planted and self.rng.random() < 0.05:
                originals.append(row)
            yield row
        for row in originals:
            yield self.duplicate_of(row)
        for index in range(planted - len(originals)):
            yield self.person(count + index)


def east_jakarta_kelurahan() -> list[str]:
    low, high = codes.subtree_range(codes.code_to_key(EAST_JAKARTA), codes.LEVEL_CITY)
    return list(
        Region.objects.filter(level=codes.LEVEL_VILLAGE, id__gte=low, id__lt=high)
        .order_by("id")
        .values_list("code", flat=True)
    )


def demo_rows(
    *, count: int, today: dt.date, seed: int = 2026, kelurahan_codes: Sequence[str]
) -> Iterator[dict[str, Any]]:
    """``count`` import rows (template columns, as text) - deterministic given the seed."""
    return _Generator(kelurahan_codes=kelurahan_codes, today=today, seed=seed).rows(count)


def demo_csv(rows: Iterator[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _add_heirs(person_ids: Sequence[int], *, seed: int, today: dt.date) -> int:
    rng = random.Random(seed + 1)
    fake = Faker("id_ID")
    fake.seed_instance(seed + 1)
    heirs: list[Heir] = []
    persons = Person.objects.filter(pk__in=person_ids).values_list("id", "nik", "sex", "marital_status")
    for pk, nik, sex, marital in persons.iterator(chunk_size=2000):
        if rng.random() > 0.35:
            continue
        district = nik[:6]
        spouse_sex = "P" if sex == "L" else "L"
        plan: list[tuple[str, str, int]] = []
        if marital == MaritalStatus.MARRIED:
            plan.append((Heir.Relation.SPOUSE, spouse_sex, 10_000))
            if rng.random() < 0.5:
                plan = [
                    (Heir.Relation.SPOUSE, spouse_sex, 5_000),
                    (Heir.Relation.CHILD, rng.choice("LP"), 5_000),
                ]
        else:
            plan.append((Heir.Relation.PARENT, rng.choice("LP"), 10_000))
        for i, (relation, heir_sex, share) in enumerate(plan):
            years = rng.randint(18, 70) if relation != Heir.Relation.CHILD else rng.randint(17, 30)
            born = today - dt.timedelta(days=years * 365 + rng.randint(0, 364))
            channel = rng.choice(
                [Heir.PayoutChannel.BANK, Heir.PayoutChannel.EWALLET, Heir.PayoutChannel.CASH]
            )
            heir_name = fake.name_male() if heir_sex == "L" else fake.name_female()
            heirs.append(
                Heir(
                    person_id=pk,
                    full_name=heir_name,
                    nik=_nik(district, born, heir_sex, 9000 + (pk % 900) + i),
                    relation=relation,
                    share_bp=share,
                    birth_date=born,
                    payout_channel=channel,
                    provider={"bank": "BRI", "ewallet": "DANA", "tunai": ""}[channel],
                    account_number=""
                    if channel == Heir.PayoutChannel.CASH
                    else str(rng.randint(10**9, 10**10)),
                    account_holder=heir_name,
                )
            )
    Heir.objects.bulk_create(heirs, batch_size=2000, ignore_conflicts=True)
    return len(heirs)


def demo_persons(
    *, lpas: Sequence[Lpa], count: int, today: dt.date, seed: int = 2026, actor: Any = None
) -> int:
    """Register ``count`` demo persons spread over ``lpas`` (idempotent); returns how many were new."""
    if not lpas:
        return 0
    kelurahan = east_jakarta_kelurahan()
    rows = list(demo_rows(count=count, today=today, seed=seed, kelurahan_codes=kelurahan))
    rng = random.Random(seed + 2)
    by_lpa: dict[int, list[dict[str, Any]]] = {lpa.pk: [] for lpa in lpas}
    for row in rows:
        by_lpa[rng.choice(lpas).pk].append(row)
    created = 0
    for lpa in lpas:
        payload = demo_csv(iter(by_lpa[lpa.pk]))
        with transaction.atomic():
            job = import_job_create(actor=actor, lpa=lpa, file_name=f"demo-{lpa.code}.csv", sha256="demo")
        result = import_run(job=job, actor=actor, binary=io.BytesIO(payload), today=today)
        created += result.imported
        if result.person_ids:
            _add_heirs(result.person_ids, seed=seed + lpa.pk, today=today)
    return created
