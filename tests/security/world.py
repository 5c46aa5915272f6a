"""One small world with an object of every kind the pages address, all belonging to LPA-JT-01
(Jatinegara, East Jakarta), so the personas split cleanly into "in scope" (Kemensos, Dinas Sosial
Jakarta Timur, the JT-01 manager and officer, the East Jakarta auditor) and "out of scope" (Dinas
Sosial Jakarta Barat, the JT-02 manager, the outsider without scope).

Objects are made through the apps' services where one exists (so they are realistic) and with the
ORM where a service would need a long story first.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PERSON_NIK = "3175031708850001"
HEIR_NIK = "3175034101100002"


def pdf(name: str = "surat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _scheme(today: dt.date) -> Any:
    from askesos.schemes.models import Benefit, Scheme, SchemeVersion

    scheme = Scheme.objects.create(code="TEST-KLASIK", name="Test Klasik")
    version = SchemeVersion.objects.create(
        scheme=scheme,
        effective_from=D(2020, 1, 1),
        premium_monthly=5000,
        payers=["member"],
        grace_months=3,
        max_advance_months=24,
        approval_threshold=1_000_000,
        anti_selection_days=30,
    )
    Benefit.objects.create(
        version=version,
        claim_type="death",
        amount=2_000_000,
        waiting_months=3,
        documents=["death_certificate", "heirship_letter"],
    )
    Benefit.objects.create(
        version=version, claim_type="funeral", amount=1_000_000, documents=["death_certificate"]
    )
    return scheme


def _person(lpa: Any, nik: str, name: str, *, account: Any = None) -> Any:
    from askesos.registry.models import Person

    return Person.objects.create(
        nik=nik,
        full_name=name,
        birth_date=D(1985, 8, 17),
        sex="L",
        marital_status="kawin",
        occupation="pedagang_kaki_lima",
        monthly_income=1_500_000,
        is_breadwinner=True,
        phone="+6281234567890",
        address="Jl. Bekasi Timur Raya No. 12",
        kelurahan=lpa.kelurahan,
        lpa=lpa,
        account=account,
    )


def build_world(
    *, lpa: Any, manager: Any, officer_user: Any, member_user: Any, dinsos: Any
) -> SimpleNamespace:
    """Everything below belongs to ``lpa`` (LPA-JT-01)."""
    from askesos.api.tokens import token_create
    from askesos.claims import services as claims
    from askesos.contributions import services as contributions
    from askesos.evaluation.seed import seed_default_instrument
    from askesos.evaluation.services import round_create
    from askesos.fund.services import fund_record_expense
    from askesos.lpa import services as lpa_services
    from askesos.lpa.models import FieldOfficer
    from askesos.membership.models import Membership
    from askesos.membership.rules import city_key_of, format_member_number
    from askesos.notifications.models import Message
    from askesos.outreach import services as outreach
    from askesos.registry.importer import import_job_create
    from askesos.registry.models import DuplicateCandidate, Heir
    from askesos.workforce import services as workforce

    today = timezone.localdate()
    month = today.replace(day=1)
    w = SimpleNamespace(today=today, lpa=lpa)
    w.scheme = _scheme(today)
    w.version = w.scheme.versions.order_by("effective_from").first()
    w.field_officer = FieldOfficer.objects.create(
        lpa=lpa,
        full_name="Budi Petugas",
        nik="3175031705800001",
        active_from=D(2024, 1, 1),
        user=officer_user,
    )
    w.field_officer.kelurahan.set([lpa.kelurahan])
    w.evidence = lpa_services.evidence_add(
        actor=dinsos, lpa=lpa, criterion="legal_status", upload=pdf("akta.pdf"), today=today
    )

    w.person = _person(lpa, PERSON_NIK, "Budi Santoso", account=member_user)
    w.twin = _person(lpa, "3175031708850009", "Budi Santosa")
    w.heir = Heir.objects.create(
        person=w.person,
        full_name="Siti Aminah",
        nik=HEIR_NIK,
        relation="anak",
        share_bp=10000,
        payout_channel="tunai",
        phone="+6281298765432",
    )
    w.duplicate = DuplicateCandidate.objects.create(
        person_a=w.person, person_b=w.twin, score=93, reasons=["name"]
    )
    w.import_job = import_job_create(actor=manager, lpa=lpa, file_name="anggota.csv", sha256="0" * 64)

    enrolled = D(today.year - 2, 1, 10)
    w.membership = Membership.objects.create(
        person=w.person,
        scheme=w.scheme,
        lpa=lpa,
        member_number=format_member_number(city_key_of(lpa.kelurahan_id), 1),
        enrolled_on=enrolled,
        coverage_start=enrolled.replace(day=1),
        paid_through=None,
        status="active",
        status_since=enrolled,
        region_id=lpa.kelurahan_id,
    )
    paid = contributions.payment_record(
        actor=officer_user,
        membership_id=w.membership.pk,
        amount=5000 * 36,
        channel="cash_officer",
        paid_on=today,
        receipt_number="KW-0001",
        today=today,
        collector=w.field_officer,
    )
    w.payment = paid.payment
    w.deposit = contributions.deposit_submit(
        actor=officer_user,
        officer=w.field_officer,
        amount=w.payment.amount,
        deposited_on=today,
        today=today,
        payment_ids=[w.payment.pk],
    )
    from askesos.contributions.models import ThirdPartyBatch

    w.batch = ThirdPartyBatch.objects.create(
        lpa=lpa,
        region_id=lpa.kelurahan_id,
        payer="csr",
        payer_name="PT Donor",
        reference="TRF-1",
        total=0,
        member_count=0,
        paid_on=today,
        recorded_by=manager,
        recorded_at=timezone.now(),
    )
    w.journal_entry = fund_record_expense(
        lpa=lpa, kind="admin", amount=10_000, on=today, memo="ATK", actor=manager
    )
    w.message = Message.objects.filter(lpa_id=lpa.pk).order_by("id").first()  # the receipt SMS

    w.campaign = outreach.campaign_create(
        actor=manager,
        lpa=lpa,
        name="Kampanye",
        starts_on=month,
        ends_on=month + dt.timedelta(days=27),
        goal_enrolments=10,
        budget=0,
    )
    w.event = outreach.event_record(
        actor=manager,
        lpa=lpa,
        channel="ceramah",
        kelurahan=lpa.kelurahan,
        held_on=today,
        today=today,
        venue_name="Pasar Jatinegara",
    )
    w.lead = outreach.lead_capture(
        actor=manager, event=w.event, full_name="Ani", phone="081234567891", consent=True
    )

    w.training = workforce.training_create(
        actor=manager,
        region=lpa.kelurahan,
        lpa=lpa,
        type="diklat",
        topic="askesos_basics",
        title="Dasar",
        hours=8,
        provider="Dinsos",
        held_on=today,
        today=today,
    )
    workforce.seed_national_formula()
    statements = workforce.honorarium_compute(actor=manager, lpa=lpa, month=month, today=today)
    w.honorarium = statements[0]
    w.vehicle = workforce.vehicle_add(
        actor=manager, lpa=lpa, type="motor", plate="B 1234 XYZ", condition="baik", acquired_on=today
    )

    w.token, _raw = token_create(actor=manager, name="laptop")

    w.claim = claims.claim_submit(
        actor=officer_user,
        membership=w.membership,
        claim_type="death",
        event_date=today,
        today=today,
        cause="sakit",
    )
    w.attachment = claims.claim_document_add(
        actor=officer_user, claim=w.claim, kind="death_certificate", upload=pdf("akta-kematian.pdf")
    )

    from askesos.regions.models import Region

    w.city = Region.objects.get(code="31.75")
    w.survey = round_create(
        actor=dinsos,
        instrument=seed_default_instrument(),
        name="Putaran 1",
        period=month,
        region=w.city,
        lpa=lpa,
    )
    w.report = _report(lpa, month)
    return w


def _report(lpa: Any, month: dt.date) -> Any:
    try:
        from askesos.reports.services import lpa_report_generate
    except ImportError:  # the reports app is still being built
        return None
    reports = lpa_report_generate(lpa=lpa, month=month)
    return reports[0] if reports else None
