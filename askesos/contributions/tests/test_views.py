from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from askesos.contributions.models import Payment, ThirdPartyBatch
from askesos.core.months import add_months, month_start
from askesos.fund.models import JournalLine

D = dt.date


@pytest.fixture
def current():
    return month_start(timezone.localdate())


def test_it_finds_a_member_and_records_a_payment_in_a_few_taps(
    client, officer, field_officer, make_membership, current
):
    m = make_membership(paid_through=add_months(current, -1), status="arrears")
    client.force_login(officer)
    found = client.get(reverse("contributions:record"), {"q": m.member_number})
    assert reverse("contributions:record_for", args=[m.pk]) in found.content.decode()
    form = client.get(reverse("contributions:record_for", args=[m.pk]))
    assert form.status_code == 200
    receipt = form.context["form"].initial["receipt_number"]
    data = {
        "months": 2,
        "amount": 10000,
        "channel": "cash_officer",
        "collector": field_officer.pk,
        "paid_on": timezone.localdate().isoformat(),
        "receipt_number": receipt,
    }
    response = client.post(reverse("contributions:record_for", args=[m.pk]), data)
    payment = Payment.objects.get(receipt_number=receipt)
    assert response.status_code == 302
    assert response["Location"] == reverse("contributions:receipt", args=[payment.pk])
    assert (payment.months_covered, payment.collector_id) == (2, field_officer.pk)
    again = client.post(reverse("contributions:record_for", args=[m.pk]), data)  # double tap
    assert again.status_code == 302
    assert Payment.objects.count() == 1
    page = client.get(response["Location"])
    assert "Lima belas ribu" not in page.content.decode()  # 10,000
    assert "Sepuluh ribu rupiah" in page.content.decode()
    pdf = client.get(reverse("contributions:receipt_pdf", args=[payment.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_it_fills_the_amount_from_the_months(client, officer, make_membership):
    m = make_membership(paid_through=D(2026, 12, 1))
    client.force_login(officer)
    response = client.get(reverse("contributions:amount", args=[m.pk]), {"months": "3"})
    assert 'value="15000"' in response.content.decode()


def test_it_shows_the_non_whole_month_message_on_the_form(
    client, officer, field_officer, make_membership, current
):
    m = make_membership(paid_through=add_months(current, -1), status="arrears")
    client.force_login(officer)
    data = {
        "months": 2,
        "amount": 12000,
        "channel": "cash_officer",
        "collector": field_officer.pk,
        "paid_on": timezone.localdate().isoformat(),
        "receipt_number": "X1",
    }
    response = client.post(reverse("contributions:record_for", args=[m.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "Rp 12.000 is not a whole number of months at Rp 5.000; 2 months = Rp 10.000, 3 months = Rp 15.000"
    ]
    assert Payment.objects.count() == 0


def test_it_hides_members_of_another_lpa_from_an_officer(
    client, officer, field_officer, make_membership, lpa_jt02
):
    theirs = make_membership(lpa=lpa_jt02, paid_through=D(2026, 12, 1))
    client.force_login(officer)
    assert client.get(reverse("contributions:record_for", args=[theirs.pk])).status_code == 404
    data = {
        "months": 1,
        "amount": 5000,
        "channel": "cash_officer",
        "collector": field_officer.pk,
        "paid_on": timezone.localdate().isoformat(),
        "receipt_number": "X2",
    }
    assert client.post(reverse("contributions:record_for", args=[theirs.pk]), data).status_code == 404
    assert client.get(reverse("contributions:member", args=[theirs.pk])).status_code == 404
    found = client.get(reverse("contributions:record"), {"q": theirs.member_number})
    assert found.context["results"] == []
    assert Payment.objects.count() == 0


def test_it_forbids_recording_to_roles_without_the_capability(
    client, auditor, dinsos_jaktim, make_membership
):
    m = make_membership(paid_through=D(2026, 12, 1))
    for user in (auditor, dinsos_jaktim):
        client.force_login(user)
        assert client.get(reverse("contributions:record_for", args=[m.pk])).status_code == 403
        assert client.get(reverse("contributions:member", args=[m.pk])).status_code == 200


def test_it_keeps_dinsos_of_another_city_out(client, dinsos_jakbar, make_membership):
    m = make_membership(paid_through=D(2026, 12, 1))
    client.force_login(dinsos_jakbar)
    assert client.get(reverse("contributions:member", args=[m.pk])).status_code == 404


def test_it_lists_arrears_sorted_by_months_unpaid_in_scope(
    client, lpa_manager, make_membership, lpa_jt02, current, django_assert_num_queries
):
    two = make_membership(paid_through=add_months(current, -2), status="arrears")
    five = make_membership(paid_through=add_months(current, -5), status="lapsed")
    make_membership(paid_through=current, status="active")
    make_membership(lpa=lpa_jt02, paid_through=add_months(current, -3), status="arrears")
    client.force_login(lpa_manager)
    client.get(reverse("contributions:arrears"))
    # session, user, scope regions, scope lpas, lpa choices, count, page, session save (3: every request)
    with django_assert_num_queries(10):
        response = client.get(reverse("contributions:arrears"))
    assert [(m.pk, unpaid) for m, unpaid in response.context["rows"]] == [(five.pk, 5), (two.pk, 2)]


def test_it_records_a_third_party_batch_all_or_nothing(client, lpa_manager, make_membership, lpa_jt01):
    a = make_membership(paid_through=D(2026, 12, 1))
    b = make_membership(paid_through=D(2026, 12, 1))
    client.force_login(lpa_manager)
    today = timezone.localdate().isoformat()
    form = {
        "lpa": lpa_jt01.pk,
        "payer": "csr",
        "payer_name": "PT Peduli",
        "reference": "TRF-1",
        "paid_on": today,
        "total": 30000,
    }
    bad = SimpleUploadedFile(
        "b.csv", f"member_number,months\n{a.member_number},3\nT9999999,3\n{b.member_number},x\n".encode()
    )
    response = client.post(reverse("contributions:batch_upload"), {**form, "file": bad})
    assert response.context["row_errors"] == [
        (4, "Expected: member number, months (a whole number of at least 1).")
    ]
    bad2 = SimpleUploadedFile("b.csv", f"{a.member_number},3\nT9999999,3\n".encode())
    response = client.post(reverse("contributions:batch_upload"), {**form, "file": bad2})
    assert response.context["row_errors"] == [(2, "No member T9999999 in this LPA.")]
    assert Payment.objects.count() == 0
    good = SimpleUploadedFile("b.csv", f"{a.member_number},3\n{b.member_number},3\n".encode())
    response = client.post(reverse("contributions:batch_upload"), {**form, "file": good})
    batch = ThirdPartyBatch.objects.get()
    assert response["Location"] == reverse("contributions:batch", args=[batch.pk])
    assert sorted(Payment.objects.values_list("membership_id", "amount", "payer", "channel")) == [
        (a.pk, 15000, "csr", "third_party"),
        (b.pk, 15000, "csr", "third_party"),
    ]
    lines = sorted(
        JournalLine.objects.filter(entry__source_type="contributions.thirdpartybatch").values_list(
            "account__code", "debit", "credit"
        )
    )
    assert lines == [("1200", 30000, 0), ("4200", 0, 30000)]
    assert JournalLine.objects.filter(entry__source_type="contributions.payment").count() == 0


def test_it_rejects_a_batch_whose_rows_do_not_add_up(client, lpa_manager, make_membership, lpa_jt01):
    a = make_membership(paid_through=D(2026, 12, 1))
    client.force_login(lpa_manager)
    form = {
        "lpa": lpa_jt01.pk,
        "payer": "apbd",
        "payer_name": "Pemprov DKI",
        "reference": "SP2D-7",
        "paid_on": timezone.localdate().isoformat(),
        "total": 99999,
        "file": SimpleUploadedFile("b.csv", f"{a.member_number},2\n".encode()),
    }
    response = client.post(reverse("contributions:batch_upload"), form)
    assert response.context["row_errors"] == [
        (0, "The rows add up to Rp 10.000, not the transfer total Rp 99.999.")
    ]
    assert Payment.objects.count() == 0
    assert ThirdPartyBatch.objects.count() == 0


@pytest.mark.parametrize("name", ["arrears", "followup", "cashbook", "record"])
def test_it_renders_the_lists_for_an_officer(client, officer, field_officer, name):
    client.force_login(officer)
    response = client.get(reverse(f"contributions:{name}"), follow=True)
    assert response.status_code == 200
    assert 'style="' not in response.content.decode()


def test_a_batch_file_over_the_upload_limit_is_refused_under_its_field(
    client, lpa_manager, make_membership, lpa_jt01, settings
):
    a = make_membership(paid_through=D(2026, 12, 1))
    settings.ASKESOS_MAX_UPLOAD_BYTES = 1024
    client.force_login(lpa_manager)
    rows = f"{a.member_number},1\n" * 100  # over 1 KB
    form = {
        "lpa": lpa_jt01.pk,
        "payer": "apbn",
        "payer_name": "Kemensos",
        "reference": "SP2D-8",
        "paid_on": timezone.localdate().isoformat(),
        "total": 500000,
        "file": SimpleUploadedFile("b.csv", rows.encode()),
    }
    response = client.post(reverse("contributions:batch_upload"), form)
    assert response.context["form"].errors == {"file": ["The file is larger than 1.0\xa0KB."]}
    assert response.context["row_errors"] == []
    page = SimpleUploadedFile("b.csv", b"<!doctype html><html><body>transfer</body></html>")
    response = client.post(reverse("contributions:batch_upload"), {**form, "file": page})
    assert response.context["form"].errors == {"file": ["This is not a text file. Upload a CSV file."]}
    assert (Payment.objects.count(), ThirdPartyBatch.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "3175-0000001-1,2\nCatatan CSR \u2013 Januari\n".encode("cp1252"),
            (
                [("3175-0000001-1", 2)],
                [(2, "Expected: member number, months (a whole number of at least 1).")],
            ),
        ),
        (b"3175-0000001-1,2\n\x81\n", ([], [(0, "The file is neither UTF-8 nor Windows-1252 text.")])),
    ],
    ids=["windows-1252", "undecodable"],
)
def test_a_batch_file_is_read_as_utf8_or_windows_1252(raw, expected):
    from askesos.contributions.forms import BatchForm

    form = BatchForm(lpas=[])
    form.cleaned_data = {"file": io.BytesIO(raw)}
    rows, errors = form.rows()
    assert ([(r.member_number, r.months) for r in rows], errors) == expected
