"""Journeys across apps: an LPA enrols a worker and an officer takes the first premium in cash on a
phone (with the receipt); a Kemensos admin changes a scheme parameter from next month."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.browser.conftest import login, screenshot


def _field_officer(lpa, user):  # type: ignore[no-untyped-def]
    from askesos.lpa.models import FieldOfficer

    officer = FieldOfficer.objects.create(
        lpa=lpa, full_name="Budi Petugas", nik="3175031705800001", active_from=dt.date(2024, 1, 1), user=user
    )
    officer.kelurahan.set([lpa.kelurahan])
    return officer


def test_it_enrols_a_worker_and_takes_a_cash_premium_on_a_phone(
    desktop_page, phone_page, lpa_manager, officer, lpa_jt01
):
    from askesos.contributions.models import Payment
    from askesos.membership.models import Membership
    from askesos.registry.models import Person
    from askesos.schemes.seed import seed_schemes

    seed_schemes(today=timezone.localdate())
    field_officer = _field_officer(lpa_jt01, officer)

    page = desktop_page
    login(page, "lpa_manager")
    page.goto("/registry/new/")
    page.fill("input[name=nik]", "3175031708850001")
    page.fill("input[name=full_name]", "Budi Santoso")
    page.fill("input[name=birth_date]", "1985-08-17")
    page.check("input[name=sex][value=L]")
    page.select_option("select[name=marital_status]", "kawin")
    page.select_option("select[name=occupation]", "pedagang_kaki_lima")
    page.fill("input[name=monthly_income]", "1500000")
    page.check("input[name=is_breadwinner]")
    page.fill("input[name=phone]", "0812-3456-7890")
    page.fill("[name=address]", "Jl. Bekasi Timur Raya No. 12")
    page.select_option("select[name=kelurahan]", str(lpa_jt01.kelurahan_id))
    screenshot(page, "journey-register-desktop")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    person = Person.objects.get(nik="3175031708850001")
    assert page.url.endswith(f"/registry/{person.pk}/")

    page.goto(f"/members/enrol/?person={person.pk}")
    screenshot(page, "journey-enrol-check-desktop")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    membership = Membership.objects.get(person=person)
    assert membership.member_number in page.locator("main").inner_text()
    screenshot(page, "journey-enrolled-desktop")

    phone = phone_page
    login(phone, "officer")
    phone.goto(f"/contributions/record/{membership.pk}/")
    phone.select_option("select[name=months]", "1")
    phone.fill("input[name=amount]", "5000")
    phone.select_option("select[name=collector]", str(field_officer.pk))
    phone.fill("input[name=receipt_number]", "KW-0001")
    screenshot(phone, "journey-record-payment-phone")
    with phone.expect_navigation():
        phone.click("main form[method=post] button[type=submit]")
    screenshot(phone, "journey-debug")
    assert Payment.objects.filter(membership=membership).exists(), phone.url
    payment = Payment.objects.get(membership=membership)
    assert f"/contributions/receipt/{payment.pk}/" in phone.url
    receipt = phone.locator("main").inner_text()
    assert "KW-0001" in receipt
    assert membership.member_number in receipt
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "journey-receipt-phone")


def test_it_changes_a_scheme_premium_from_next_month(desktop_page, kemensos_admin):
    from askesos.core.months import add_months
    from askesos.schemes.models import Scheme, SchemeVersion
    from askesos.schemes.seed import KLASIK, seed_schemes

    today = timezone.localdate()
    seed_schemes(today=today)
    scheme = Scheme.objects.get(code=KLASIK)
    next_month = add_months(today.replace(day=1), 1)
    old = SchemeVersion.objects.filter(scheme=scheme).order_by("-effective_from").first()

    page = desktop_page
    login(page, "kemensos_admin")
    page.goto(f"/schemes/{scheme.code}/versions/new/")
    premium = page.locator("input[name=premium_monthly]")
    assert premium.input_value() == str(old.premium_monthly)
    premium.fill(str(old.premium_monthly + 1000))
    screenshot(page, "journey-scheme-version-desktop")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    new = SchemeVersion.objects.filter(scheme=scheme).order_by("-effective_from").first()
    assert (new.effective_from, new.premium_monthly) == (next_month, old.premium_monthly + 1000)
    assert f"/schemes/{scheme.code}/versions/{new.pk}/" in page.url
    screenshot(page, "journey-scheme-version-saved-desktop")
