from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from askesos.analytics import indicators as ind
from askesos.analytics import rules
from askesos.analytics.services import rollups_refresh
from askesos.evaluation.rules import Category
from askesos.lpa.models import FieldOfficer
from askesos.regions.models import Region

D = dt.date
MONTH = D(2024, 6, 1)
TODAY = D(2024, 7, 20)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _scope(workers: int | None = 20_000, lpa_ids=None) -> ind.IndicatorScope:
    low, high = Region.objects.get(code="31.75").subtree
    return ind.IndicatorScope(low, high, MONTH, TODAY, lpa_ids, workers)


def _officers(lpa, n: int) -> list[FieldOfficer]:
    return [
        FieldOfficer.objects.create(
            lpa=lpa,
            full_name=f"Petugas {chr(65 + i)}",
            nik=f"31750301018000{i:02d}",
            active_from=D(2023, 1, 1),
        )
        for i in range(n)
    ]


def test_it_counts_outreach_per_1000_workers(lpa_jt01, region):
    from askesos.outreach.models import Event

    kel = region("31.75.03.1001")
    for held_on, people in (
        (D(2024, 4, 2), 40),
        (D(2024, 6, 9), 60),
        (D(2024, 3, 31), 500),
    ):  # March is outside the quarter
        Event.objects.create(
            lpa=lpa_jt01,
            channel="masjid",
            venue_name="Masjid Al-Ikhlas",
            kelurahan=kel,
            held_on=held_on,
            attendance=people,
        )
    events = ind.outreach_events_per_1000(_scope())
    assert (events.value, events.numerator, events.denominator) == (Decimal("0.10"), 2, 20_000)
    assert events.category == Category.KURANG_BAIK
    assert ind.people_reached_per_1000(_scope()).value == Decimal("5.00")
    missing = ind.outreach_events_per_1000(_scope(workers=None))
    assert missing.value is None
    assert missing.reason == "no informal-workforce estimate for the area"


def test_it_measures_officers_training_and_vehicles(lpa_jt01, make_members):
    from askesos.workforce.models import RequiredTraining, Training, TrainingRecord, Vehicle

    a, b, _c, _d = _officers(lpa_jt01, 4)
    make_members(1000, lpa=lpa_jt01)
    rollups_refresh(month=MONTH)
    RequiredTraining.objects.create(topic="askesos_basics")
    t = Training.objects.create(
        lpa=lpa_jt01,
        region_id=lpa_jt01.kelurahan_id,
        type="diklat",
        topic="askesos_basics",
        title="Sosialisasi ASKESOS",
        hours=8,
        provider="Dinsos",
        held_on=D(2024, 2, 1),
    )
    TrainingRecord.objects.create(training=t, officer=a)
    TrainingRecord.objects.create(training=t, officer=b, attended=False)
    Vehicle.objects.create(
        lpa=lpa_jt01, type="motor", plate="B 1234 XY", condition="baik", acquired_on=D(2022, 1, 1)
    )
    Vehicle.objects.create(
        lpa=lpa_jt01, type="motor", plate="B 1235 XY", condition="rusak_berat", acquired_on=D(2022, 1, 1)
    )
    s = _scope()
    assert ind.officers_per_1000_members(s).value == Decimal("4.00")
    trained = ind.officers_trained_pct(s)
    assert (trained.value, trained.numerator, trained.denominator) == (Decimal("25.00"), 1, 4)
    gaps = {g.name: g.missing for g in ind.officer_training_gaps(s) or []}
    assert gaps["Petugas A"] == ()
    assert gaps["Petugas B"] == ("ASKESOS program, benefits and rules",)
    assert ind.vehicles_good_per_officer(s).value == Decimal("0.25")
    assert ind.enrolments_per_officer(s).value == Decimal("0.00")


def test_it_measures_honoraria_and_steps_out_of_order(lpa_jt01, make_members, pay):
    from askesos.contributions.models import OfficerDeposit
    from askesos.workforce.models import HonorariumFormula, HonorariumStatement

    a, b = _officers(lpa_jt01, 2)
    formula = HonorariumFormula.objects.create(effective_from=D(2024, 1, 1))
    for officer, paid_on, on_time in ((a, D(2024, 7, 5), True), (b, None, None)):
        HonorariumStatement.objects.create(
            officer=officer,
            lpa=lpa_jt01,
            month=MONTH,
            formula=formula,
            new_members=0,
            collections=0,
            base_amount=0,
            new_member_amount=0,
            collection_amount=0,
            total=0,
            computed_at=timezone.now(),
            paid_on=paid_on,
            paid_on_time=on_time,
            status="paid" if paid_on else "approved",
        )
    assert ind.honoraria_on_time_pct(_scope()).value == Decimal("50.00")
    (m1, m2) = make_members(2, lpa=lpa_jt01)
    pay(
        m1, paid_on=D(2024, 6, 1), recorded_at=timezone.make_aware(dt.datetime(2024, 6, 9, 10))
    )  # 8 days late
    pay(
        m2, paid_on=D(2024, 6, 1), recorded_at=timezone.make_aware(dt.datetime(2024, 6, 8, 10))
    )  # 7 days: fine
    rollups_refresh(month=MONTH)
    late = ind.payments_recorded_late_pct(_scope())
    assert (late.value, late.numerator, late.denominator) == (Decimal("50.00"), 1, 2)
    OfficerDeposit.objects.create(
        officer=a, lpa=lpa_jt01, amount=5000, deposited_on=D(2024, 7, 16), submitted_at=timezone.now()
    )
    OfficerDeposit.objects.create(
        officer=a, lpa=lpa_jt01, amount=5000, deposited_on=D(2024, 7, 17), submitted_at=timezone.now()
    )
    assert ind.deposits_unconfirmed(_scope()).numerator == 1  # 16 July is more than 3 days before the 20th


def test_it_says_not_available_when_an_app_is_missing(monkeypatch) -> None:
    monkeypatch.setattr(ind, "_need", lambda app: False)
    s = ind.IndicatorScope(0, 10, MONTH, TODAY)
    result = ind.claim_turnaround(s)
    assert result.value is None
    assert result.reason == "not available: the claims app is not installed yet"
    assert ind.officers_trained_pct(s).value is None


def test_it_rates_indicators_and_aspects() -> None:
    assert rules.rate("claims_paid_unverified", Decimal(0)) == Category.SANGAT_BAIK
    assert rules.rate("claims_paid_unverified", Decimal(3)) == Category.TIDAK_BAIK
    assert rules.rate("officers_trained_pct", Decimal("74.99")) == Category.BAIK
    assert rules.rate("officers_trained_pct", None) is None
    assert rules.aspect_category([Category.TIDAK_BAIK, Category.BAIK, None]) == Category.KURANG_BAIK


def test_it_recommends_for_the_weakest() -> None:
    facts = rules.RecommendationInput(
        today=TODAY,
        kelurahan=[
            rules.KelurahanFacts("Cipinang", Decimal("0.05"), None),
            rules.KelurahanFacts("Rawa Bunga", Decimal("0.02"), D(2024, 1, 5)),
            rules.KelurahanFacts("Bali Mester", Decimal("0.05"), D(2024, 7, 1)),  # recent outreach
            rules.KelurahanFacts("Kampung Melayu", Decimal("0.50"), None),  # coverage fine
        ],
        officers=[
            rules.OfficerFacts("Budi", ("Sosialisasi ASKESOS",)),
            rules.OfficerFacts("Ani", ("Sosialisasi ASKESOS",)),
        ],
        lpas=[rules.LpaFacts("LPA-JT-01", 5, 1), rules.LpaFacts("LPA-JT-02", 2, 2)],
        claims_paid_unverified=2,
    )
    texts = [(r.aspect, r.text) for r in rules.recommendations(facts)]
    assert texts == [
        (
            "communication",
            "Kelurahan Rawa Bunga, Cipinang have coverage below 0.10 % and no outreach in 90 days: hold ceramah at masjid, gereja, pura and vihara in those kelurahan and use local mass media.",  # noqa: E501
        ),
        (
            "bureaucratic_structure",
            "2 claims were paid without verification: enforce the SOP (verify before paying).",
        ),
        (
            "resources",
            "Officers Ani, Budi lack required training 'Sosialisasi ASKESOS': schedule a diklat or workshop.",
        ),
        (
            "resources",
            "LPA LPA-JT-01 has 0.20 vehicles in good condition per officer: provide operational vehicles or repair the worn-out ones.",  # noqa: E501
        ),
    ]


def test_it_renders_the_scorecard_page_and_pdf(
    client, lpa_jt01, make_members, estimate, dinsos_jaktim, lpa_manager, other_lpa_manager
):
    estimate("31.75", 400_000)
    make_members(10, lpa=lpa_jt01)
    rollups_refresh(month=MONTH)
    client.force_login(dinsos_jaktim)
    page = client.get(
        reverse("analytics:scorecard_city", args=["31.75"]) + "?month=2024-06&scheme=permenpan14_2017"
    )
    assert page.status_code == 200
    assert "Recommendations" in page.content.decode()
    pdf = client.get(reverse("analytics:scorecard_city_pdf", args=["31.75"]) + "?month=2024-06")
    assert pdf.status_code == 200
    assert pdf.content[:4] == b"%PDF"
    client.force_login(other_lpa_manager)
    assert client.get(reverse("analytics:scorecard_lpa", args=[lpa_jt01.pk])).status_code == 404
    client.force_login(lpa_manager)
    assert (
        client.get(reverse("analytics:scorecard_lpa", args=[lpa_jt01.pk]) + "?month=2024-06").status_code
        == 200
    )
