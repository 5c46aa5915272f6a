"""Fixtures for claims: a scheme with every benefit (two versions), members paid well ahead, heirs,
uploads in a temporary media root. Memberships and payments are created directly so these tests
depend only on the other apps' models."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

D = dt.date
TODAY = D(2026, 9, 15)
EVENT = D(2026, 9, 1)
ENROLLED = D(2025, 1, 10)
PAID_THROUGH = D(2026, 12, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
_seq = itertools.count(1)

BENEFITS: dict[str, dict[str, Any]] = {
    "death": {
        "amount": 2_000_000,
        "waiting_months": 3,
        "documents": ["death_certificate", "heirship_letter"],
    },
    "accident_death": {"amount": 4_000_000, "documents": ["death_certificate", "incident_report"]},
    "disability": {"amount": 2_000_000, "deadline_days": 90, "documents": ["medical_letter"]},
    "hospital": {
        "amount_per_day": 50_000,
        "max_days": 30,
        "waiting_months": 3,
        "deadline_days": 90,
        "documents": ["medical_letter"],
    },
    "sickness": {
        "amount": 300_000,
        "min_days_unable": 10,
        "max_per_year": 1,
        "waiting_months": 3,
        "deadline_days": 90,
        "documents": ["ktp_member", "medical_letter"],
    },
    "funeral": {"amount": 1_000_000, "waiting_months": 3, "documents": ["death_certificate"]},
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ASKESOS_NOTIFY_EAGER = False


@pytest.fixture
def scheme(db):
    from askesos.schemes.models import Benefit, Scheme, SchemeVersion

    s = Scheme.objects.create(code="TEST-KLASIK", name="Test Klasik")
    v1 = SchemeVersion.objects.create(
        scheme=s,
        effective_from=D(2020, 1, 1),
        premium_monthly=5000,
        payers=["member"],
        grace_months=3,
        approval_threshold=1_000_000,
        anti_selection_days=30,
    )
    for claim_type, values in BENEFITS.items():
        Benefit.objects.create(version=v1, claim_type=claim_type, **values)
    v2 = SchemeVersion.objects.create(
        scheme=s,
        effective_from=D(2026, 7, 1),
        premium_monthly=5000,
        payers=["member"],
        grace_months=3,
        approval_threshold=1_000_000,
        anti_selection_days=30,
    )
    for claim_type, values in BENEFITS.items():
        changed = dict(values, amount=400_000) if claim_type == "sickness" else values
        Benefit.objects.create(version=v2, claim_type=claim_type, **changed)
    return s


@pytest.fixture
def make_membership(db, scheme, lpa_jt01):
    from askesos.contributions.models import Payment
    from askesos.membership.models import Membership
    from askesos.registry.models import Heir, Person

    def make(
        *,
        lpa=None,
        enrolled_on=ENROLLED,
        paid_through=PAID_THROUGH,
        heirs=((6000, "bank"), (4000, "tunai")),
        phone="081234567890",
        reinstated_on=None,
    ):
        n = next(_seq)
        lpa = lpa or lpa_jt01
        person = Person.objects.create(
            nik=f"317503{n:010d}",
            full_name=f"Peserta {n}",
            birth_date=D(1980, 5, 17),
            sex="L",
            marital_status="kawin",
            occupation="pedagang_kaki_lima",
            monthly_income=1_000_000,
            is_breadwinner=True,
            phone=phone,
            address="Jl. Contoh",
            kelurahan=lpa.kelurahan,
            lpa=lpa,
        )
        start = D(enrolled_on.year, enrolled_on.month, 1)
        m = Membership.objects.create(
            person=person,
            scheme=scheme,
            lpa=lpa,
            member_number=f"T{n:07d}",
            enrolled_on=enrolled_on,
            coverage_start=start,
            paid_through=paid_through,
            status="active",
            status_since=enrolled_on,
            region_id=lpa.kelurahan_id,
            reinstated_on=reinstated_on,
        )
        if paid_through is not None:
            months = (paid_through.year - start.year) * 12 + paid_through.month - start.month + 1
            Payment.objects.create(
                membership=m,
                lpa=lpa,
                region_id=m.region_id,
                amount=5000 * months,
                months_covered=months,
                period_from=start,
                period_to=paid_through,
                channel="bank_transfer",
                paid_on=enrolled_on,
                receipt_number=f"R{n:08d}",
                recorded_at=timezone.now(),
            )
        for i, (share, channel) in enumerate(heirs):
            Heir.objects.create(
                person=person,
                full_name=f"Ahli Waris {n}-{i}",
                nik=f"3175035{n:05d}{i:04d}",
                relation="anak",
                share_bp=share,
                payout_channel=channel,
                provider="BRI" if channel == "bank" else "",
                account_number="0011223344" if channel == "bank" else "",
                phone="081298765432",
            )
        return m

    return make


@pytest.fixture
def membership(make_membership):
    return make_membership()


def pdf(name: str = "surat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def submit(officer):
    """Submit a claim through the service with its checklist documents uploaded (unless docs=False)."""
    from askesos.claims import services

    def do(
        membership,
        claim_type="sickness",
        *,
        event_date=EVENT,
        days=12,
        docs=True,
        actor="officer",
        today=TODAY,
        **kw,
    ):
        who = officer if actor == "officer" else actor
        claim = services.claim_submit(
            actor=who,
            membership=membership,
            claim_type=claim_type,
            event_date=event_date,
            days=days,
            today=today,
            **kw,
        )
        if docs:
            for kind in claim.benefit.documents:
                services.claim_document_add(actor=who, claim=claim, kind=kind, upload=pdf())
        claim.refresh_from_db()
        return claim

    return do
