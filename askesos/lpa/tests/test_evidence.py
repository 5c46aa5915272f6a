from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError
from askesos.lpa import services
from askesos.lpa.models import Criterion, CriterionEvidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def _add(lpa, actor, today, name, content, criterion=Criterion.LEGAL_STATUS):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return services.evidence_add(actor=actor, lpa=lpa, criterion=criterion, upload=upload, today=today)


def test_it_stores_a_pdf_under_the_lpa_code(lpa_jt01, dinsos_jaktim, today):
    evidence = _add(lpa_jt01, dinsos_jaktim, today, "akta notaris.pdf", PDF)
    assert evidence.file.name.startswith("lpa/LPA-JT-01/evidence/")
    assert evidence.file.name.endswith(".pdf")
    assert (evidence.content_type, evidence.size, evidence.original_name) == (
        "application/pdf",
        len(PDF),
        "akta notaris.pdf",
    )
    assert evidence.file.read() == PDF
    event = AuditEvent.objects.get(action="lpa.evidence_add")
    assert event.new is not None
    assert event.new["criterion"] == "legal_status"
    assert (event.region_id, event.lpa_id) == (lpa_jt01.kelurahan_id, lpa_jt01.pk)


def test_it_decides_the_type_by_content_not_name(lpa_jt01, dinsos_jaktim, today):
    png = _add(lpa_jt01, dinsos_jaktim, today, "photo.pdf", PNG)
    jpeg = _add(lpa_jt01, dinsos_jaktim, today, "kantor", JPEG)
    assert (png.content_type, png.file.name[-4:]) == ("image/png", ".png")
    assert (jpeg.content_type, jpeg.file.name[-4:]) == ("image/jpeg", ".jpg")


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", b"<!doctype html><script>alert(1)</script>", b""]
)
def test_it_refuses_other_content_renamed_pdf(lpa_jt01, dinsos_jaktim, today, content):
    with pytest.raises(DomainError) as info:
        _add(lpa_jt01, dinsos_jaktim, today, "sk.pdf", content)
    assert (info.value.code, info.value.field) == ("file_type", "file")
    assert CriterionEvidence.objects.count() == 0


def test_it_refuses_oversize_files(lpa_jt01, dinsos_jaktim, today, settings):
    settings.ASKESOS_MAX_UPLOAD_BYTES = len(PDF)
    _add(lpa_jt01, dinsos_jaktim, today, "exact.pdf", PDF)
    with pytest.raises(DomainError) as info:
        _add(lpa_jt01, dinsos_jaktim, today, "big.pdf", PDF + b" ")
    assert info.value.code == "too_large"
    assert CriterionEvidence.objects.count() == 1


def test_it_serves_evidence_only_inside_scope(
    client, lpa_jt01, dinsos_jaktim, dinsos_jakbar, lpa_manager, today
):
    evidence = _add(lpa_jt01, dinsos_jaktim, today, "akta.pdf", PDF)
    url = reverse("lpa:evidence", args=[evidence.pk])
    client.force_login(lpa_manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="akta.pdf"'
    assert b"".join(response.streaming_content) == PDF
    client.force_login(dinsos_jakbar)
    assert client.get(url).status_code == 404


def test_it_uploads_through_the_checklist_form(client, proposed, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    url = reverse("lpa:criteria", args=[proposed.pk])
    data: dict[str, Any] = {f"note_{c}": "" for c in Criterion.values}
    data.update(
        met_legal_status="on",
        note_legal_status="Akta seen",
        file_legal_status=SimpleUploadedFile("akta.pdf", PDF),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    row = proposed.criteria.get(criterion="legal_status")
    assert (row.met, row.note, row.evidence.count()) == (True, "Akta seen", 1)


def test_it_shows_the_file_error_on_its_criterion_and_saves_nothing(client, proposed, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    url = reverse("lpa:criteria", args=[proposed.pk])
    data: dict[str, Any] = {f"note_{c}": "" for c in Criterion.values}
    data.update(met_facilities="on", file_reputation=SimpleUploadedFile("letter.pdf", b"MZ\x90\x00binary"))
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file_reputation": ["Only PDF, JPEG or PNG files are accepted."]
    }
    assert proposed.criteria.get(criterion="facilities").met is False
