"""Every document upload is checked by content (magic bytes), never by name or declared type, and by
size: an HTML page or an executable renamed .pdf is refused, and so is a file over the limit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from askesos.core.errors import DomainError

HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
DISGUISES = {
    "html renamed .pdf": ("surat.pdf", HTML),
    "exe renamed .pdf": ("surat.pdf", EXE),
    "html renamed .png": ("foto.png", HTML),
}


def disguised(case: str) -> SimpleUploadedFile:
    name, content = DISGUISES[case]
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def oversized(settings) -> SimpleUploadedFile:  # type: ignore[no-untyped-def]
    settings.ASKESOS_MAX_UPLOAD_BYTES = 2048
    return SimpleUploadedFile("surat.pdf", b"%PDF-1.4\n" + b"0" * 4096, content_type="application/pdf")


@pytest.mark.parametrize("case", list(DISGUISES))
def test_the_claim_document_page_refuses_a_disguised_file(case, world, officer):
    from askesos.claims.models import ClaimAttachment

    before = ClaimAttachment.objects.count()
    client = Client()
    client.force_login(officer)
    response = client.post(
        f"/claims/{world.claim.pk}/documents/", {"kind": "heirship_letter", "file": disguised(case)}
    )
    assert response.status_code == 200
    assert ClaimAttachment.objects.count() == before
    assert response.context["upload_form"].errors


def test_the_claim_document_page_refuses_an_oversized_file(world, officer, settings):
    from askesos.claims.models import ClaimAttachment

    before = ClaimAttachment.objects.count()
    client = Client()
    client.force_login(officer)
    response = client.post(
        f"/claims/{world.claim.pk}/documents/", {"kind": "heirship_letter", "file": oversized(settings)}
    )
    assert response.status_code == 200
    assert ClaimAttachment.objects.count() == before


@pytest.mark.parametrize("case", [*DISGUISES, "oversized"])
def test_lpa_evidence_refuses_disguised_and_oversized_files(case, world, dinsos_jaktim, settings):
    from askesos.lpa import services
    from askesos.lpa.models import CriterionEvidence

    upload = oversized(settings) if case == "oversized" else disguised(case)
    before = CriterionEvidence.objects.count()
    with pytest.raises(DomainError):
        services.evidence_add(
            actor=dinsos_jaktim, lpa=world.lpa, criterion="reputation", upload=upload, today=world.today
        )
    assert CriterionEvidence.objects.count() == before


@pytest.mark.parametrize("case", [*DISGUISES, "oversized"])
def test_training_certificates_refuse_disguised_and_oversized_files(case, world, lpa_manager, settings):
    from askesos.workforce import services
    from askesos.workforce.models import Training

    upload = oversized(settings) if case == "oversized" else disguised(case)
    before = Training.objects.count()
    with pytest.raises(DomainError):
        services.training_create(
            actor=lpa_manager,
            region=world.lpa.kelurahan,
            lpa=world.lpa,
            type="diklat",
            topic="askesos_basics",
            title="Dasar",
            hours=8,
            provider="Dinsos",
            held_on=world.today,
            today=world.today,
            certificate=upload,
        )
    assert Training.objects.count() == before


@pytest.mark.parametrize("content", [HTML, EXE, b"", b"\xff\xfe\x00\x00garbage"])
def test_the_third_party_batch_page_refuses_a_file_that_is_not_a_batch_csv(content, world, lpa_manager):
    from askesos.contributions.models import Payment, ThirdPartyBatch

    payments, batches = Payment.objects.count(), ThirdPartyBatch.objects.count()
    client = Client()
    client.force_login(lpa_manager)
    response = client.post(
        "/contributions/third-party/",
        {
            "lpa": world.lpa.pk,
            "payer": "csr",
            "payer_name": "PT Donor",
            "reference": "TRF-9",
            "paid_on": world.today.isoformat(),
            "total": "5000",
            "file": SimpleUploadedFile("batch.csv", content),
        },
    )
    assert response.status_code == 200
    assert (Payment.objects.count(), ThirdPartyBatch.objects.count()) == (payments, batches)


@pytest.mark.parametrize("content", [HTML, EXE, b""])
def test_the_survey_import_refuses_a_file_that_is_not_a_response_sheet(content, world, dinsos_jaktim):
    from askesos.evaluation.models import Response

    client = Client(raise_request_exception=False)
    client.force_login(dinsos_jaktim)
    response = client.post(
        f"/evaluation/{world.survey.pk}/import/", {"file": SimpleUploadedFile("jawaban.csv", content)}
    )
    assert response.status_code == 200
    assert Response.objects.count() == 0


def test_every_file_input_is_checked_by_the_shared_upload_check():
    """A form's file input is ``core.uploads.UploadField`` (size limit and type by content, the error
    under the field), never a bare ``FileField``: a new upload cannot forget the checks."""
    import re
    from pathlib import Path

    from django.conf import settings as django_settings

    bare = re.compile(r"\bforms\.FileField\(|\bFileField\(label")
    offenders = [
        str(path.relative_to(django_settings.BASE_DIR))
        for path in Path(django_settings.BASE_DIR).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts and bare.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/contributions/third-party/", "batch"),
        ("/evaluation/{survey}/import/", "survey"),
        ("/registry/import/", "members"),
        ("/regions/workforce/import/", "workforce"),
    ],
)
def test_every_table_upload_refuses_a_file_over_the_limit(
    url, data, world, lpa_manager, dinsos_jaktim, settings
):
    settings.ASKESOS_MAX_UPLOAD_BYTES = 1024
    client = Client()
    client.force_login(dinsos_jaktim if data in ("survey", "workforce") else lpa_manager)
    batch = {"payer": "csr", "payer_name": "PT", "reference": "T-1", "total": "5000"}
    fields = {
        "batch": {"lpa": world.lpa.pk, "paid_on": world.today.isoformat(), **batch},
        "members": {"lpa": world.lpa.pk},
    }.get(data, {})
    big = SimpleUploadedFile("data.csv", b"a,b\n" + b"1,2\n" * 300)
    response = client.post(url.format(survey=world.survey.pk), {**fields, "file": big})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["file"] == ["The file is larger than 1.0\xa0KB."]
