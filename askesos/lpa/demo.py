"""Demonstration data: four East Jakarta LPAs with their checklist, seed grant and field officers.

Fictional organisations and people; region codes are the real Kemendagri codes of Jakarta Timur
(31.75). Everything goes through the services, so the demo also leaves a realistic audit trail.
Idempotent: an LPA or officer that already exists (by code, by NIK within the LPA) is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from askesos.lpa import services
from askesos.lpa.models import Criterion, FieldOfficer, Lpa, SeedGrant
from askesos.regions.models import Region

_NOTES = {
    Criterion.LEGAL_STATUS: "Akta notaris and SK Kemenkumham seen and copied.",
    Criterion.ORGANISATION: "Board, secretary, treasurer and programme staff named in the statutes; "
    "structure chart on file.",
    Criterion.FACILITIES: "Office with a lockable cabinet, a computer and a meeting room; "
    "visited by Dinas Sosial.",
    Criterion.REPUTATION: "Recommendation letters from the lurah and the camat.",
    Criterion.TRANSPARENCY: "Audited annual report for the last two years; "
    "bank account in the organisation's name.",
    Criterion.SERVICE_YEARS: "Activity reports since founding checked against the founding date.",
    Criterion.NETWORKS: "Cooperation with the puskesmas, the kelurahan office and local businesses (CSR).",
}

# (code, name, legal form, registration, founded, kelurahan, address, head, bank, officers)
# Officers: (full name, NIK, phone, education, kelurahan codes).
_LPAS: list[dict[str, Any]] = [
    {
        "code": "LPA-JT-11",
        "name": "Yayasan Amal Sejahtera Matraman",
        "legal_form": Lpa.LegalForm.YAYASAN,
        "legal_registration_no": "Akta No. 12/2009; SK AHU-1873.AH.01.04.2010",
        "npwp": "02.345.678.9-001.000",
        "founded_on": dt.date(2009, 3, 14),
        "kelurahan": "31.75.01.1001",
        "address": "Jl. Pisangan Baru Tengah No. 27, RT 004/RW 006",
        "phone": "021-8591234",
        "email": "sekretariat@amalsejahtera.or.id",
        "head_name": "Hj. Siti Rahmawati",
        "bank": ("Bank DKI", "10123456789", "Yayasan Amal Sejahtera Matraman"),
        "officers": [
            ("Rudi Hartono", "3175011203850002", "0812-8765-4301", "SMA", ["31.75.01.1001", "31.75.01.1002"]),
            (
                "Dewi Lestari",
                "3175015507900003",
                "0813-1122-3344",
                "D3 Kesejahteraan Sosial",
                ["31.75.01.1003"],
            ),
            ("Agus Salim", "3175010901880001", "0857-2233-4455", "SMA", ["31.75.01.1004", "31.75.01.1005"]),
        ],
    },
    {
        "code": "LPA-JT-12",
        "name": "Koperasi Syariah BMT Al-Ikhlas Pulogadung",
        "legal_form": Lpa.LegalForm.BMT,
        "legal_registration_no": "Badan Hukum No. 518/BH/XII/2012",
        "npwp": "",
        "founded_on": dt.date(2012, 7, 2),
        "kelurahan": "31.75.02.1002",
        "address": "Jl. Pisangan Timur Raya No. 88",
        "phone": "0821-1234-5678",
        "email": "bmt.alikhlas@gmail.com",
        "head_name": "H. Ahmad Fauzi",
        "bank": ("Bank Syariah Indonesia", "7012345678", "KSPPS BMT Al-Ikhlas"),
        "officers": [
            (
                "Nur Aini",
                "3175025808920004",
                "0812-9988-7766",
                "S1 Ekonomi Syariah",
                ["31.75.02.1002", "31.75.02.1003"],
            ),
            ("Bambang Sutrisno", "3175022010800005", "0878-5566-7788", "SMA", ["31.75.02.1001"]),
            (
                "Yusuf Maulana",
                "3175020305950002",
                "0811-2345-6789",
                "SMK",
                ["31.75.02.1004", "31.75.02.1005"],
            ),
            (
                "Sri Wahyuni",
                "3175026112870001",
                "0813-8899-0011",
                "D3 Akuntansi",
                ["31.75.02.1006", "31.75.02.1007"],
            ),
        ],
    },
    {
        "code": "LPA-JT-13",
        "name": "Yayasan Pondok Pesantren Darul Hikmah Duren Sawit",
        "legal_form": Lpa.LegalForm.PESANTREN,
        "legal_registration_no": "Akta No. 5/2006; SK AHU-0045123.AH.01.12.2016",
        "npwp": "01.987.654.3-008.000",
        "founded_on": dt.date(2006, 1, 9),
        "kelurahan": "31.75.07.1003",
        "address": "Jl. Raya Klender No. 150, RT 009/RW 002",
        "phone": "+62 21 8612345",
        "email": "",
        "head_name": "KH. Muhammad Ridwan",
        "bank": ("Bank Rakyat Indonesia", "033901000123567", "Yayasan Darul Hikmah"),
        "officers": [
            ("Fatimah Zahra", "3175074402930006", "0812-3456-7890", "Pesantren (Aliyah)", ["31.75.07.1003"]),
            (
                "Hendra Gunawan",
                "3175071706860003",
                "0896-1234-5678",
                "SMA",
                ["31.75.07.1001", "31.75.07.1002"],
            ),
            (
                "Slamet Riyadi",
                "3175072902840001",
                "0852-1111-2222",
                "SMP",
                ["31.75.07.1004", "31.75.07.1007"],
            ),
        ],
    },
    {
        "code": "LPA-JT-14",
        "name": "Perkumpulan Peduli Pekerja Informal Kramat Jati",
        "legal_form": Lpa.LegalForm.ORSOS,
        "legal_registration_no": "SK AHU-0012345.AH.01.07.2015",
        "npwp": "",
        "founded_on": dt.date(2015, 10, 1),
        "kelurahan": "31.75.04.1001",
        "address": "Jl. Raya Bogor Km. 19 No. 4, dekat Pasar Induk Kramat Jati",
        "phone": "0838-7654-3210",
        "email": "p3i.kramatjati@yahoo.co.id",
        "head_name": "Ibu Ratna Sari Dewi",
        "bank": ("Bank Mandiri", "1270009876543", "Perkumpulan P3I Kramat Jati"),
        "officers": [
            ("Joko Susilo", "3175041104820004", "0812-7777-1212", "SMA", ["31.75.04.1001", "31.75.04.1002"]),
            (
                "Wulan Sari",
                "3175046309940002",
                "0815-4444-5656",
                "D3 Keperawatan",
                ["31.75.04.1003", "31.75.04.1004"],
            ),
            (
                "Dedi Kurniawan",
                "3175040101910007",
                "0819-3030-4040",
                "SMK",
                ["31.75.04.1006", "31.75.04.1007"],
            ),
            ("Maria Ulfa", "3175044812890003", "0877-6060-7070", "S1 Sosiologi", ["31.75.04.1005"]),
            ("Teguh Prasetyo", "3175042507970001", "0858-9090-1010", "SMA", ["31.75.04.1001"]),
        ],
    },
]


def _ensure_lpa(spec: dict[str, Any], *, today: dt.date) -> Lpa:
    lpa = Lpa.objects.filter(code=spec["code"]).first()
    if lpa is None:
        bank_name, account_no, holder = spec["bank"]
        profile = {
            key: spec[key]
            for key in (
                "name",
                "legal_form",
                "legal_registration_no",
                "npwp",
                "founded_on",
                "address",
                "phone",
                "email",
                "head_name",
            )
        }
        profile.update(bank_name=bank_name, bank_account_no=account_no, bank_account_holder=holder)
        lpa = services.lpa_propose(
            actor=None,
            code=spec["code"],
            kelurahan=Region.objects.get(code=spec["kelurahan"]),
            profile=profile,
            today=today,
        )
    if lpa.status == Lpa.Status.PROPOSED:
        for criterion, note in _NOTES.items():
            services.criterion_assess(
                actor=None, lpa=lpa, criterion=criterion, met=True, note=note, today=today
            )
        services.lpa_verify(actor=None, lpa=lpa, today=today, reason="Demo: all seven criteria met.")
    if lpa.status == Lpa.Status.VERIFIED:
        services.lpa_activate(actor=None, lpa=lpa, today=today)
    if not SeedGrant.objects.filter(lpa=lpa).exists() and lpa.status != Lpa.Status.CLOSED:
        services.seed_grant_record(
            actor=None,
            lpa=lpa,
            received_on=max(lpa.founded_on or today, dt.date(today.year - 1, 1, 15)),
            reference=f"SP2D/KEMENSOS/{lpa.code}",
            today=today,
        )
    return lpa


def _ensure_officers(
    lpa: Lpa, officers: list[tuple[str, str, str, str, list[str]]], *, today: dt.date
) -> None:
    existing = set(FieldOfficer.objects.filter(lpa=lpa).values_list("nik", flat=True))
    for full_name, nik, phone, education, kelurahan_codes in officers:
        if nik in existing:
            continue
        services.officer_create(
            actor=None,
            lpa=lpa,
            kelurahan=list(Region.objects.filter(code__in=kelurahan_codes)),
            data={
                "full_name": full_name,
                "nik": nik,
                "phone": phone,
                "education": education,
                "active_from": dt.date(today.year - 1, 2, 1),
            },
            today=today,
        )


@transaction.atomic
def demo_lpas(*, today: dt.date) -> list[Lpa]:
    """Create (once) four active East Jakarta LPAs in four kecamatan, each with all seven criteria
    met, its seed grant and three to five field officers; return them ordered by code."""
    lpas = []
    for spec in _LPAS:
        lpa = _ensure_lpa(spec, today=today)
        _ensure_officers(lpa, spec["officers"], today=today)
        lpas.append(lpa)
    return lpas
