"""Reference schemes: "Askesos Klasik" (the program's defaults) and the BPJS-TK BPU benchmark.

Values come from /work/shared/PROGRAM.md §2 (parameters) and §3 (claim documents). Values no
source gives are seeded as defaults and listed in ``SchemeVersion.placeholders``; the UI badges
them "placeholder — to be set" until the ministry sets them in a new version.

``seed_schemes()`` is idempotent: a scheme that already exists (by code) is left alone, so running
it again never overwrites rules the ministry has changed since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from askesos.schemes.models import ClaimDocument as D
from askesos.schemes.models import ClaimType as C
from askesos.schemes.models import Payer, ReinstatementRule, Scheme
from askesos.schemes.services import scheme_version_create

KLASIK = "ASKESOS-KLASIK"
BPJSTK_BPU = "BPJSTK-BPU"

DEATH_DOCUMENTS = [
    D.MEMBER_CARD,
    D.KTP_MEMBER,
    D.KTP_HEIR,
    D.DEATH_CERTIFICATE,
    D.FAMILY_CARD,
    D.HEIRSHIP_LETTER,
    D.MARRIAGE_BOOK,
    D.HEIR_ACCOUNT,
]
ACCIDENT_DEATH_DOCUMENTS = [*DEATH_DOCUMENTS, D.INCIDENT_REPORT]
SICKNESS_DOCUMENTS = [D.KTP_MEMBER, D.MEDICAL_LETTER]

KLASIK_NOTE = (
    "Askesos Klasik defaults, PROGRAM.md §2 and §3. Premium Rp 5,000/month (H); payers member, APBN, "
    "APBD, CSR (H); advance payment 1-12 months (M); age 21-60 at enrolment, or married if younger "
    "(M, 2010); income at least Rp 300,000/month (M, 2010); main breadwinner required (H); informal "
    "work required (§1, H); valid NIK required (M). Grace 3 months before lapse is the BPJS TK rule "
    "(the ASKESOS rule is unknown); no late fee. Reinstatement after lapse: sources disagree, default "
    "re-enrol with a new waiting period. Sickness/injury grant Rp 300,000, at most 1 per person per "
    "year (M, ILO); 10 days unable to work is low confidence (L). Death benefit Rp 2,000,000 is a "
    "placeholder (unknown for the classic scheme). Waiting period 3 months for natural death and "
    "sickness, none for accidents; claim deadline none for death, 90 days for sickness: unknown in "
    "the sources, seeded as the program's defaults. Accident death, disability, hospitalisation, "
    "funeral amounts and the approval threshold are placeholders. Effective from 2003-01 (pilot "
    "start, H); the eligibility values are from 2010 sources."
)

BPJS_NOTE = (
    "Benchmark only, not enrolled into: BPJS Ketenagakerjaan informal package (Bukan Penerima Upah), "
    "PROGRAM.md §2. Premium Rp 16,800 = JKK 1 % of declared income, minimum Rp 10,000, + JKM "
    "Rp 6,800 (H); the income floor Rp 1,000,000 is the declared income at which 1 % is the Rp "
    "10,000 minimum. Death Rp 42,000,000 today (H) = Rp 20 m lump sum + Rp 12 m periodic + Rp 10 m "
    "funeral: modelled as death Rp 32,000,000 (lump sum and periodic together) and funeral "
    "Rp 10,000,000. Accident death 48 x declared income (H). Grace 3 months, no late fee (H). No "
    "claim deadline for death while the membership was active (M-H). Death claim documents are the "
    "BPJS TK list (§3, H). Age limits, waiting periods, reinstatement and the approval threshold "
    "are not in the sources: placeholders. Effective from 2020-01, the first month after PP 82/2019 "
    "raised the death benefit (month chosen for modelling)."
)


def _klasik() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    version: dict[str, Any] = {
        "premium_monthly": 5_000,
        "payers": [Payer.MEMBER, Payer.APBN, Payer.APBD, Payer.CSR],
        "max_advance_months": 12,
        "min_age": 21,
        "max_age": 60,
        "married_below_min_age": True,
        "income_floor": 300_000,
        "income_ceiling": None,
        "breadwinner_required": True,
        "informal_required": True,
        "exit_age": None,
        "grace_months": 3,
        "reinstatement_rule": ReinstatementRule.REENROL_NEW_WAITING,
        "approval_threshold": 1_000_000,
        "anti_selection_days": 30,
        "placeholders": [
            "approval_threshold",
            "anti_selection_days",
            "benefits.death.amount",
            "benefits.accident_death.amount",
            "benefits.disability.amount",
            "benefits.hospital.amount_per_day",
            "benefits.hospital.max_days",
            "benefits.sickness.min_days_unable",
            "benefits.funeral.amount",
        ],
        "note": KLASIK_NOTE,
    }
    benefits: dict[str, dict[str, Any]] = {
        C.DEATH: {
            "amount": 2_000_000,
            "waiting_months": 3,
            "deadline_days": None,
            "documents": DEATH_DOCUMENTS,
        },
        C.ACCIDENT_DEATH: {
            "amount": 4_000_000,
            "waiting_months": 0,
            "deadline_days": None,
            "documents": ACCIDENT_DEATH_DOCUMENTS,
        },
        C.DISABILITY: {
            "amount": 2_000_000,
            "waiting_months": 0,
            "deadline_days": 90,
            "documents": [*SICKNESS_DOCUMENTS, D.INCIDENT_REPORT],
            "note": "Treated as an accident benefit (no waiting period).",
        },
        C.HOSPITAL: {
            "amount_per_day": 50_000,
            "max_days": 30,
            "waiting_months": 3,
            "deadline_days": 90,
            "documents": SICKNESS_DOCUMENTS,
        },
        C.SICKNESS: {
            "amount": 300_000,
            "min_days_unable": 10,
            "max_per_year": 1,
            "waiting_months": 3,
            "deadline_days": 90,
            "documents": SICKNESS_DOCUMENTS,
            "note": "Injury from an accident has no waiting period.",
        },
        C.FUNERAL: {
            "amount": 1_000_000,
            "waiting_months": 3,
            "deadline_days": None,
            "documents": DEATH_DOCUMENTS,
        },
    }
    return version, benefits


def _bpjs() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    version: dict[str, Any] = {
        "premium_monthly": 16_800,
        "payers": [Payer.MEMBER],
        "max_advance_months": 12,
        "min_age": 21,
        "max_age": 60,
        "married_below_min_age": True,
        "income_floor": 1_000_000,
        "income_ceiling": None,
        "breadwinner_required": False,
        "informal_required": True,
        "exit_age": None,
        "grace_months": 3,
        "reinstatement_rule": ReinstatementRule.REENROL_NEW_WAITING,
        "approval_threshold": 1_000_000,
        "anti_selection_days": 30,
        "placeholders": [
            "min_age",
            "max_age",
            "married_below_min_age",
            "reinstatement_rule",
            "approval_threshold",
            "anti_selection_days",
            "benefits.death.waiting_months",
        ],
        "note": BPJS_NOTE,
    }
    benefits: dict[str, dict[str, Any]] = {
        C.DEATH: {
            "amount": 32_000_000,
            "waiting_months": 0,
            "deadline_days": None,
            "documents": DEATH_DOCUMENTS,
            "note": "Rp 20 m lump sum + Rp 12 m periodic benefit, shown together.",
        },
        C.ACCIDENT_DEATH: {
            "income_multiple": 48,
            "waiting_months": 0,
            "deadline_days": None,
            "documents": ACCIDENT_DEATH_DOCUMENTS,
            "note": "48 x declared monthly income.",
        },
        C.FUNERAL: {
            "amount": 10_000_000,
            "waiting_months": 0,
            "deadline_days": None,
            "documents": DEATH_DOCUMENTS,
        },
    }
    return version, benefits


SEEDS = (
    (
        KLASIK,
        "Askesos Klasik",
        "Contributory social-welfare insurance for informal breadwinners (Kemensos, from 2003).",
        False,
        dt.date(2003, 1, 1),
        _klasik,
    ),
    (
        BPJSTK_BPU,
        "BPJS-TK BPU benchmark",
        "BPJS Ketenagakerjaan informal-worker package, for comparison only.",
        True,
        dt.date(2020, 1, 1),
        _bpjs,
    ),
)


def seed_schemes(*, today: dt.date | None = None) -> int:
    """Create the reference schemes that do not exist yet, each with its first version.

    Returns how many schemes got their first version (0 on a second run).
    """
    today = today or timezone.localdate()
    created = 0
    for code, name, description, is_benchmark, effective_from, values in SEEDS:
        with transaction.atomic():
            scheme, _ = Scheme.objects.get_or_create(
                code=code, defaults={"name": name, "description": description, "is_benchmark": is_benchmark}
            )
            if scheme.versions.exists():
                continue
            version, benefits = values()
            scheme_version_create(
                actor=None,
                scheme=scheme,
                effective_from=effective_from,
                changes=version,
                benefits=benefits,
                today=today,
            )
            created += 1
    return created
