"""Pages: queues per role with ageing, scope (404) and capability (403), intake, decisions, documents,
the register as PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from askesos.claims import services
from askesos.claims.models import Claim
from askesos.claims.tests.conftest import PDF, pdf

D = dt.date


@pytest.fixture
def claims(membership, make_membership, submit, lpa_manager, dinsos_jaktim, lpa_jt02, lpa_jb01):
    """One claim per status in LPA-JT-01, plus one submitted claim in LPA-JT-02 and one in Jakarta Barat."""
    today = dt.date.today()
    made = {}
    made["submitted"] = submit(
        membership, "sickness", event_date=today - dt.timedelta(days=22), today=today - dt.timedelta(days=20)
    )
    made["returned"] = submit(make_membership(), "sickness", event_date=today, today=today)
    services.claim_return(actor=lpa_manager, claim=made["returned"], reason="blurred", today=today)
    made["verified"] = submit(make_membership(), "hospital", days=25, event_date=today, today=today)
    services.claim_verify(actor=lpa_manager, claim=made["verified"], today=today)
    made["approved"] = submit(make_membership(), "hospital", days=2, event_date=today, today=today)
    services.claim_verify(actor=lpa_manager, claim=made["approved"], today=today)
    made["cakung"] = submit(
        make_membership(lpa=lpa_jt02), "sickness", event_date=today, today=today, actor=None
    )
    made["jakbar"] = submit(
        make_membership(lpa=lpa_jb01), "sickness", event_date=today, today=today, actor=None
    )
    return made


def numbers(response) -> set[str]:
    return {row.claim.number for row in response.context["rows"]}


def test_each_role_sees_its_own_queue(
    client,
    claims,
    officer,
    lpa_manager,
    other_lpa_manager,
    dinsos_jaktim,
    dinsos_jakbar,
    auditor,
    kemensos_admin,
):
    c = {k: v.number for k, v in claims.items()}
    expected = {
        officer: {c["submitted"], c["returned"]},
        lpa_manager: {c["submitted"], c["returned"], c["approved"]},
        other_lpa_manager: {c["cakung"]},
        dinsos_jaktim: {c["verified"]},
        dinsos_jakbar: set(),
        auditor: {c["submitted"], c["returned"], c["verified"], c["approved"], c["cakung"]},
        kemensos_admin: {
            c["submitted"],
            c["returned"],
            c["verified"],
            c["approved"],
            c["cakung"],
            c["jakbar"],
        },
    }
    for user, wanted in expected.items():
        client.force_login(user)
        response = client.get(reverse("claims:queue"))
        assert response.status_code == 200
        assert numbers(response) == wanted, user.username


def test_the_queue_marks_overdue_claims(client, claims, officer):
    client.force_login(officer)
    html = client.get(reverse("claims:queue")).content.decode()
    assert html.count("badge badge-bad") == 1
    assert "20 · " in html


def test_the_queue_reads_in_a_fixed_number_of_queries(
    client, claims, make_membership, submit, lpa_manager, django_assert_num_queries
):
    client.force_login(lpa_manager)
    client.get(reverse("claims:queue"))
    with django_assert_num_queries(8):
        assert len(client.get(reverse("claims:queue")).context["rows"]) == 3
    submit(make_membership(), "sickness", event_date=dt.date.today(), today=dt.date.today())
    submit(make_membership(), "hospital", event_date=dt.date.today(), today=dt.date.today())
    with django_assert_num_queries(8):
        assert len(client.get(reverse("claims:queue")).context["rows"]) == 5


def test_members_and_users_without_claims_get_403(client, claims, member_user):
    client.force_login(member_user)
    assert client.get(reverse("claims:queue")).status_code == 403
    assert client.get(reverse("claims:detail", args=[claims["submitted"].pk])).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lpa_manager", 200),
        ("officer", 200),
        ("dinsos_jaktim", 200),
        ("auditor", 200),
        ("other_lpa_manager", 404),
        ("dinsos_jakbar", 404),
        ("outsider", 404),
    ],
)
def test_detail_is_scoped(client, claims, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    claim = claims["submitted"]
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == status
    attachment = claim.attachments.first()
    download = client.get(reverse("claims:document", args=[attachment.pk]))
    assert download.status_code == status
    if status == 200:
        assert b"".join(download.streaming_content) == PDF
        html = response.content.decode()
        assert "style=" not in html
        assert "<script>" not in html


def test_intake_through_the_phone_form(client, membership, officer):
    client.force_login(officer)
    found = client.get(reverse("claims:new"), {"q": membership.member_number})
    assert [m.pk for m in found.context["results"]] == [membership.pk]
    today = dt.date.today()
    response = client.post(
        reverse("claims:new_for", args=[membership.pk]),
        {
            "claim_type": "hospital",
            "event_date": today.isoformat(),
            "days": "4",
            "cause": "demam berdarah",
            "place": "RSUD Pasar Rebo",
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    assert (claim.amount, claim.days, claim.status, claim.submitted_by) == (200_000, 4, "submitted", officer)
    upload = client.post(reverse("claims:upload", args=[claim.pk]), {"kind": "medical_letter", "file": pdf()})
    assert upload.status_code == 302
    assert claim.attachments.count() == 1


def test_intake_form_shows_domain_errors(client, membership, officer):
    client.force_login(officer)
    response = client.post(
        reverse("claims:new_for", args=[membership.pk]),
        {
            "claim_type": "hospital",
            "event_date": dt.date.today().isoformat(),
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["days"]  # the service's days_required, on its field
    assert Claim.objects.count() == 0


def test_intake_of_a_member_outside_scope_is_404(client, make_membership, lpa_jt02, officer):
    other = make_membership(lpa=lpa_jt02)
    client.force_login(officer)
    assert client.get(reverse("claims:new_for", args=[other.pk])).status_code == 404


def test_decisions_through_the_pages(client, claims, lpa_manager, dinsos_jaktim, officer):
    claim = claims["submitted"]
    client.force_login(officer)
    assert client.post(reverse("claims:act", args=[claim.pk, "verify"])).status_code == 403
    client.force_login(lpa_manager)
    response = client.post(reverse("claims:act", args=[claim.pk, "verify"]), {"override_reason": ""})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved"
    payee = claim.payees.get()
    form_page = client.get(reverse("claims:pay", args=[claim.pk]))
    assert form_page.status_code == 200
    assert f'name="reference_{payee.pk}"' in form_page.content.decode()
    response = client.post(
        reverse("claims:pay", args=[claim.pk]),
        {
            "paid_on": dt.date.today().isoformat(),
            f"channel_{payee.pk}": "tunai",
            f"account_{payee.pk}": "",
            f"reference_{payee.pk}": "KAS-0099",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.payees.get().payout_reference) == ("paid", "KAS-0099")
    verified = claims["verified"]
    client.force_login(dinsos_jaktim)
    page = client.get(reverse("claims:detail", args=[verified.pk])).content.decode()
    assert reverse("claims:act", args=[verified.pk, "approve"]) in page
    assert reverse("claims:act", args=[verified.pk, "verify"]) not in page
    response = client.post(
        reverse("claims:act", args=[verified.pk, "return"]), {"reason": "Surat dokter tanpa tanggal"}
    )
    assert response.status_code == 302
    verified.refresh_from_db()
    assert (verified.status, verified.decision_note) == ("returned", "Surat dokter tanpa tanggal")
    assert client.post(reverse("claims:act", args=[verified.pk, "bogus"])).status_code == 404


def test_reject_needs_a_reason_on_the_page(client, claims, lpa_manager):
    client.force_login(lpa_manager)
    claim = claims["submitted"]
    response = client.post(reverse("claims:act", args=[claim.pk, "reject"]), {"reason": ""})
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == "submitted"


def test_the_register_as_pdf_and_xlsx(client, claims, lpa_manager):
    import openpyxl

    client.force_login(lpa_manager)
    today = dt.date.today()
    params = {"date_from": (today - dt.timedelta(days=30)).isoformat(), "date_to": today.isoformat()}
    page = client.get(reverse("claims:register"), params)
    assert [c.number for c in page.context["report"].claims] == [
        claims[k].number for k in ("submitted", "returned", "verified", "approved")
    ]
    pdf_response = client.get(reverse("claims:register"), {**params, "format": "pdf"})
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF")
    xlsx = client.get(reverse("claims:register"), {**params, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book.active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] and str(r[0]).startswith("KL")]
    assert [r[0] for r in rows] == [
        claims[k].number for k in ("submitted", "returned", "verified", "approved")
    ]
    assert sum(r[8] for r in rows) == 400_000 + 400_000 + 1_250_000 + 100_000


@pytest.mark.parametrize(
    ("persona", "status", "empty_status"),
    [
        ("officer", 302, 200),
        ("lpa_manager", 302, 200),
        ("dinsos_jaktim", 403, 403),
        ("kemensos_admin", 403, 403),
        ("auditor", 403, 403),
        ("member_user", 403, 403),
        ("other_lpa_manager", 404, 404),
    ],
)
def test_uploading_a_document_needs_claim_intake(
    client, request, submit, membership, persona, status, empty_status
):
    """The capability is checked before the form: a reader without claim intake gets 403 even for a
    POST without a file (it used to get the form back with errors)."""
    claim = submit(membership, docs=False)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("claims:upload", args=[claim.pk])
    assert client.post(url).status_code == empty_status
    response = client.post(url, {"kind": claim.benefit.documents[0], "file": pdf()})
    assert response.status_code == status
    assert claim.attachments.count() == (1 if status == 302 else 0)


def test_the_upload_form_is_offered_only_to_claim_intake(client, submit, membership, officer, auditor):
    claim = submit(membership, docs=False)
    client.force_login(officer)
    assert client.get(reverse("claims:detail", args=[claim.pk])).context["actions"]["upload"] is True
    client.force_login(auditor)
    assert client.get(reverse("claims:detail", args=[claim.pk])).context["actions"]["upload"] is False


def test_a_document_over_the_shared_upload_limit_is_refused_under_its_field(
    client, submit, membership, officer, settings
):
    claim = submit(membership, docs=False)
    settings.ASKESOS_MAX_UPLOAD_BYTES = len(PDF)
    client.force_login(officer)
    kind = claim.benefit.documents[0]
    big = SimpleUploadedFile("surat.pdf", PDF + b"0", content_type="application/pdf")
    response = client.post(reverse("claims:upload", args=[claim.pk]), {"kind": kind, "file": big})
    assert response.status_code == 200
    assert response.context["upload_form"].errors == {
        "file": [f"The file is larger than {len(PDF)}\xa0bytes."]
    }
    at_limit = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("claims:upload", args=[claim.pk]), {"kind": kind, "file": at_limit})
    assert response.status_code == 302
    assert claim.attachments.count() == 1
