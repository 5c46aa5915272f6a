from __future__ import annotations

import datetime as dt

import pytest

from askesos.core.errors import DomainError
from askesos.notifications import rules
from askesos.notifications.models import Message, MessageStatus
from askesos.notifications.services import notify


def test_payment_received_text_is_exact():
    text = rules.render(
        "payment_received",
        {
            "amount": 15000,
            "period_from": dt.date(2027, 1, 1),
            "period_to": dt.date(2027, 3, 1),
            "receipt": "123",
        },
    )
    assert text == "Rp 15.000 diterima untuk Jan\u2013Mar 2027, kuitansi 123"


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ("2027-01-01", "2027-01-01", "Jan 2027"),
        ("2027-01-01", None, "Jan 2027"),
        ("2026-12-01", "2027-02-01", "Des 2026\u2013Feb 2027"),
        ("2027-05-01", "2027-08-01", "Mei\u2013Agu 2027"),
        ("2027-10-01", "2027-12-01", "Okt\u2013Des 2027"),
    ],
)
def test_period_labels_use_indonesian_months(start, end, label):
    assert rules.period_label(start, end) == label


def test_each_template_renders(lpa_jt01):
    assert rules.render(
        "due_reminder", {"month": "2027-02-01", "amount": 5000, "member_number": "JT01-7"}
    ) == ("Iuran ASKESOS Feb 2027 sebesar Rp 5.000 belum dibayar. Nomor peserta JT01-7.")
    assert (
        rules.render(
            "lapse_warning", {"member_number": "JT01-7", "months_unpaid": 3, "lapse_on": "2027-05-01"}
        )
        == "Kepesertaan ASKESOS JT01-7 menunggak 3 bulan dan berakhir pada 1 Mei 2027 "
        "jika iuran belum dibayar."
    )
    assert rules.render("claim_status", {"claim_number": "K-9", "status": "paid", "amount": 300000}) == (
        "Klaim ASKESOS K-9: sudah dibayar, Rp 300.000."
    )
    assert rules.render(
        "enrolment_welcome", {"name": "Siti", "member_number": "JT01-7", "premium": 5000}
    ) == ("Selamat bergabung di ASKESOS, Siti. Nomor peserta JT01-7, iuran Rp 5.000/bulan.")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("(021) 8190-1234", "+622181901234"),
    ],
)
def test_it_normalises_phone_numbers(raw, e164):
    assert rules.normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["", "12", "+1 415 555 0100", "0812abc", "0000812345678"])
def test_it_refuses_bad_phone_numbers(raw):
    with pytest.raises(DomainError) as err:
        rules.normalize_phone(raw)
    assert err.value.code == "invalid_phone"


def test_notify_enqueues_and_sends_after_commit(lpa_jt01, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = notify(
            to_phone="0812 3456 7890",
            template="payment_received",
            context={
                "amount": 15000,
                "period_from": dt.date(2027, 1, 1),
                "period_to": dt.date(2027, 3, 1),
                "receipt": "123",
            },
            related_type="contributions.payment",
            related_id="77",
            lpa_id=lpa_jt01.pk,
        )
        assert Message.objects.get(pk=message.pk).status == MessageStatus.QUEUED
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.to) == (MessageStatus.SENT, 1, "+6281234567890")
    assert message.body == "Rp 15.000 diterima untuk Jan\u2013Mar 2027, kuitansi 123"
    assert (message.lpa_id, message.region_id, message.related_id) == (
        lpa_jt01.pk,
        lpa_jt01.kelurahan_id,
        "77",
    )
    assert message.context["period_from"] == "2027-01-01"


def test_notify_refuses_unknown_templates_and_missing_context(db):
    with pytest.raises(DomainError) as err:
        notify(to_phone="08123456789", template="nope", context={})
    assert err.value.code == "unknown_template"
    with pytest.raises(DomainError) as err:
        notify(to_phone="08123456789", template="payment_received", context={"amount": 1})
    assert err.value.code == "template_context"
    assert Message.objects.count() == 0
