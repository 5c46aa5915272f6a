from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from askesos.core.access import user_scope
from askesos.core.errors import DomainError
from askesos.outreach.tests import factories as f
from askesos.workforce import rules, selectors, services
from askesos.workforce.models import RequiredTraining, Training, TrainingTopic

pytestmark = pytest.mark.django_db


def _training(lpa_manager, region, topic, held_on, lpa=None):
    return services.training_create(
        actor=lpa_manager,
        region=region("31.75"),
        lpa=lpa,
        type="diklat",
        topic=topic,
        title=f"Diklat {topic}",
        hours=16,
        provider="Dinas Sosial DKI",
        held_on=held_on,
        today=dt.date(2026, 11, 24),
    )


@pytest.fixture
def needs_scenario(lpa_manager, lpa_jt01, lpa_jt02, region):
    a = f.officer(lpa_jt01, "Ahmad")
    b = f.officer(lpa_jt01, "Bunga")
    c = f.officer(lpa_jt01, "Citra")
    f.officer(lpa_jt01, "Dedi (left)", active_to=dt.date(2026, 1, 31))
    d = f.officer(lpa_jt02, "Eko")
    RequiredTraining.objects.create(lpa=None, topic=TrainingTopic.ASKESOS_BASICS, refresh_months=24)
    RequiredTraining.objects.create(lpa=lpa_jt01, topic=TrainingTopic.COLLECTION, refresh_months=None)
    basics_old = _training(lpa_manager, region, TrainingTopic.ASKESOS_BASICS, dt.date(2024, 11, 24))
    basics_new = _training(lpa_manager, region, TrainingTopic.ASKESOS_BASICS, dt.date(2025, 1, 10))
    collection = _training(lpa_manager, region, TrainingTopic.COLLECTION, dt.date(2020, 5, 1), lpa=lpa_jt01)
    services.training_record_set(actor=lpa_manager, training=basics_old, officer=a, attended=True, score=81)
    services.training_record_set(actor=lpa_manager, training=basics_new, officer=b, attended=True, score=65)
    services.training_record_set(
        actor=lpa_manager, training=basics_new, officer=c, attended=False, score=None
    )
    services.training_record_set(actor=lpa_manager, training=collection, officer=a, attended=True, score=90)
    services.training_record_set(actor=lpa_manager, training=basics_new, officer=d, attended=True, score=70)
    return {"a": a, "b": b, "c": c, "d": d}


def test_it_lists_training_needs_with_expiry(
    needs_scenario, kemensos_admin, today, django_assert_num_queries
):
    user_scope(kemensos_admin)
    with django_assert_num_queries(3):
        needs = selectors.training_needs(user=kemensos_admin, today=today)
    got = [(n.officer.full_name, n.topic, n.need, n.last_completed, n.expired_on) for n in needs]
    assert got == [
        ("Ahmad", "askesos_basics", "expired", dt.date(2024, 11, 24), dt.date(2026, 11, 24)),
        ("Bunga", "collection", "missing", None, None),
        ("Citra", "askesos_basics", "missing", None, None),
        ("Citra", "collection", "missing", None, None),
    ]
    day_before = selectors.training_needs(user=kemensos_admin, today=dt.date(2026, 11, 23))
    assert (day_before[0].officer.full_name, day_before[0].need) == ("Bunga", "missing")


def test_it_scopes_training_needs(needs_scenario, other_lpa_manager, today):
    assert selectors.training_needs(user=other_lpa_manager, today=today) == []


def test_it_computes_training_expiry_at_month_ends():
    assert rules.training_expires_on(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert rules.training_expires_on(dt.date(2024, 11, 24), None) is None
    assert rules.training_need(dt.date(2024, 11, 24), 24, dt.date(2026, 11, 23)) == ""
    assert rules.training_need(None, 24, dt.date(2026, 11, 23)) == "missing"


def test_it_checks_certificate_uploads_by_content_and_size(lpa_manager, region, settings, today):
    pdf = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4 certificate", content_type="application/pdf")
    training = services.training_create(
        actor=lpa_manager,
        region=region("31.75"),
        lpa=None,
        type="seminar",
        topic="outreach",
        title="Seminar",
        hours=4,
        provider="Kemensos",
        held_on=today,
        today=today,
        certificate=pdf,
    )
    assert training.certificate_content_type == "application/pdf"
    assert str(training.certificate_file.name).endswith(".pdf")
    fake = SimpleUploadedFile("sertifikat.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as wrong_type:
        services.training_create(
            actor=lpa_manager,
            region=region("31.75"),
            lpa=None,
            type="seminar",
            topic="outreach",
            title="X",
            hours=4,
            provider="K",
            held_on=today,
            today=today,
            certificate=fake,
        )
    settings.ASKESOS_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("s.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    with pytest.raises(DomainError) as too_big:
        services.training_create(
            actor=lpa_manager,
            region=region("31.75"),
            lpa=None,
            type="seminar",
            topic="outreach",
            title="X",
            hours=4,
            provider="K",
            held_on=today,
            today=today,
            certificate=big,
        )
    assert (wrong_type.value.code, too_big.value.code) == ("file_type", "too_large")
    assert Training.objects.count() == 1


def test_it_refuses_scores_outside_0_to_100(lpa_manager, lpa_jt01, region, today):
    t = _training(lpa_manager, region, TrainingTopic.CLAIMS, today)
    with pytest.raises(DomainError):
        services.training_record_set(
            actor=lpa_manager, training=t, officer=f.officer(lpa_jt01, "A"), attended=True, score=101
        )


def test_it_exports_training_needs(needs_scenario, client, lpa_manager, monkeypatch, today):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: today)
    client.force_login(lpa_manager)
    response = client.get("/workforce/training/", {"format": "xlsx"})
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[0] == ["LPA", "Officer", "Topic", "Need", "Last completed", "Expired on"]
    assert rows[1] == [
        "LPA-JT-01",
        "Ahmad",
        "ASKESOS program, benefits and rules",
        "expired",
        dt.datetime(2024, 11, 24),
        dt.datetime(2026, 11, 24),
    ]
    assert [r[:4] for r in rows[2:]] == [
        ["LPA-JT-01", "Bunga", "Premium collection and cash handling", "missing"],
        ["LPA-JT-01", "Citra", "ASKESOS program, benefits and rules", "missing"],
        ["LPA-JT-01", "Citra", "Premium collection and cash handling", "missing"],
    ]


# --- the training form: where (a region of the user's area) and the certificate -----------------


def _post_training(client, **values):
    data = {
        "type": "diklat",
        "topic": "askesos_basics",
        "title": "Dasar ASKESOS",
        "hours": "8",
        "provider": "Dinas Sosial",
        "held_on": "2026-11-20",
        **values,
    }
    return client.post("/workforce/training/new/", data)


def test_a_national_user_gives_the_training_place_as_a_kemendagri_code(client, kemensos_admin, region):
    client.force_login(kemensos_admin)
    html = str(client.get("/workforce/training/new/").context["form"]["region"])
    assert "<option" not in html
    assert 'name="region"' in html
    assert 'inputmode="numeric"' in html
    response = _post_training(client, region="32.01")
    assert response.status_code == 302
    assert Training.objects.get().region == region("32.01")


def test_the_training_place_is_a_city_kecamatan_or_kelurahan_of_the_users_area(client, dinsos_jaktim):
    from askesos.regions.models import Region

    client.force_login(dinsos_jaktim)
    field = client.get("/workforce/training/new/").context["form"].fields["region"]
    offered = [value for value, _label in field.widget.choices[1:]]
    assert offered == [
        r.code.replace(".", "")
        for r in Region.objects.filter(code__startswith="31.75", level__gte=2).order_by("id")
    ]
    response = _post_training(client, region="31.73")
    assert response.context["form"].errors == {
        "region": ["Kota Administrasi Jakarta Barat (31.73) is outside your area."]
    }
    response = _post_training(client, region="31")
    assert response.context["form"].errors == {
        "region": ["31 is a province code; enter the code of a city, kecamatan or kelurahan."]
    }
    assert Training.objects.count() == 0


def test_the_training_form_shows_a_refused_certificate_under_its_field(client, dinsos_jaktim, settings):
    client.force_login(dinsos_jaktim)
    html = SimpleUploadedFile(
        "sertifikat.pdf", b"<html><script>x</script></html>", content_type="application/pdf"
    )
    response = _post_training(client, region="3175", certificate=html)
    assert response.context["form"].errors == {"certificate": ["Only PDF, JPEG or PNG files are accepted."]}
    settings.ASKESOS_MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4\n" + b"0" * 1024, content_type="application/pdf")
    response = _post_training(client, region="3175", certificate=big)
    assert response.context["form"].errors == {"certificate": ["The file is larger than 1.0\xa0KB."]}
    assert Training.objects.count() == 0
