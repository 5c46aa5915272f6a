from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from askesos.audit.models import AuditEvent
from askesos.regions.models import WorkforceEstimate
from askesos.regions.services import seed_east_jakarta_estimates

CSV = "kode_wilayah,tahun,jumlah_pekerja_informal,sumber,estimasi\n31.75.03,2025,41000,Sakernas,tidak\n"


@pytest.fixture
def seeded(db):
    seed_east_jakarta_estimates(year=2025)


def login(client, user):
    client.force_login(user)
    return client


def test_it_opens_on_the_user_scope_regions(client, dinsos_jaktim, seeded):
    response = login(client, dinsos_jaktim).get(reverse("regions:browse"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.region.code for r in rows] == ["31.75"]
    assert rows[0].latest.informal_workers == 430_000
    html = response.content.decode()
    assert "Kota Administrasi Jakarta Timur" in html
    assert 'href="/regions/31.75/"' in html


def test_it_opens_on_provinces_for_national_scope(client, kemensos_admin, seeded):
    response = login(client, kemensos_admin).get(reverse("regions:browse"))
    rows = response.context["rows"]
    assert [r.region.code for r in rows] == ["31", "32"]  # the provinces loaded in the test database
    assert rows[0].latest.informal_workers == 1_900_000
    assert rows[1].latest is None


def test_it_opens_on_the_lpa_kelurahan_for_lpa_staff(client, lpa_manager):
    response = login(client, lpa_manager).get(reverse("regions:browse"))
    assert [r.region.code for r in response.context["rows"]] == ["31.75.03.1001"]


def test_it_shows_breadcrumb_children_and_estimate_label(client, auditor, seeded):
    response = login(client, auditor).get("/regions/31.75.03/")
    assert response.status_code == 200
    assert [a.code for a in response.context["ancestors"]] == ["31", "31.75"]
    children = response.context["rows"]
    assert [r.region.code for r in children] == [f"31.75.03.100{i}" for i in range(1, 9)]
    assert (children[2].region.name, children[2].region.postal_code) == ("Bali Mester", "13310")
    assert children[0].latest.year == 2025
    html = response.content.decode()
    assert '<nav aria-label="breadcrumb" class="breadcrumb">' in html
    assert 'href="/regions/31/"' in html
    assert 'href="/regions/31.75/"' in html
    assert "13310" in html
    assert 'class="estimate"' in html
    assert "Add a year" not in html  # auditors read, they do not edit


def test_it_reads_with_a_fixed_number_of_queries(client, dinsos_jaktim, seeded, django_assert_num_queries):
    login(client, dinsos_jaktim)
    # session, user, scope regions, scope LPAs, region, ancestors, children, their estimates,
    # own estimates, session save (savepoint, update, release): the same however many children.
    with django_assert_num_queries(12):
        small = client.get("/regions/31.75.03/")
    with django_assert_num_queries(11):  # a province has no ancestors to read
        large = client.get("/regions/31/")
    assert len(small.context["rows"]) == 8
    assert len(large.context["rows"]) == 6


def test_it_answers_404_for_unknown_codes(client, auditor):
    assert login(client, auditor).get("/regions/31.99/").status_code == 404


def test_it_searches_by_name_and_code(client, auditor, seeded):
    login(client, auditor)
    by_name = client.get(reverse("regions:search"), {"q": "jatinegara"})
    assert [r.region.code for r in by_name.context["results"]] == [
        "31.75.03",
        "31.75.06.1001",
        "31.75.02.1004",
    ]
    by_digits = client.get(reverse("regions:search"), {"q": "317503100"})
    assert sorted(r.region.code for r in by_digits.context["results"]) == [
        f"31.75.03.100{i}" for i in range(1, 9)
    ]
    page = client.get(reverse("regions:browse"), {"q": "31.75.10"})
    found = [r.region.code for r in page.context["results"]]
    assert found[0] == "31.75.10"
    assert len(found) == 9  # Cipayung and its 8 kelurahan
    assert all(code.startswith("31.75.10") for code in found)
    assert 'hx-get="/regions/search/"' in page.content.decode()
    assert "<html" not in by_name.content.decode()  # a partial for htmx


def test_it_forbids_roles_without_view_regions(client, member_user):
    assert login(client, member_user).get(reverse("regions:browse")).status_code == 403


def test_it_redirects_anonymous_users_to_login(client, db):
    response = client.get(reverse("regions:browse"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/regions/"


def test_it_edits_an_estimate_in_scope(client, dinsos_jaktim, seeded):
    login(client, dinsos_jaktim)
    form = client.get("/regions/31.75.03/workforce/?year=2025")
    assert form.status_code == 200
    assert form.context["form"].initial["informal_workers"] == 54274
    response = client.post(
        "/regions/31.75.03/workforce/",
        {"year": 2025, "informal_workers": 50000, "source": "Survei Dinsos 2025", "note": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == "/regions/31.75.03/"
    est = WorkforceEstimate.objects.get(region__code="31.75.03", year=2025)
    assert (est.informal_workers, est.source, est.is_estimate) == (50000, "Survei Dinsos 2025", False)
    event = AuditEvent.objects.filter(actor_label="dinsos_jaktim").get()
    assert event.new == {
        "informal_workers": 50000,
        "source": "Survei Dinsos 2025",
        "is_estimate": False,
        "note": "",
    }
    history = client.get("/regions/31.75.03/workforce/?year=2025")
    seeded_event = AuditEvent.objects.get(actor_label="system", object_id=str(est.pk))
    assert [e.pk for e in history.context["history_events"]] == [event.pk, seeded_event.pk]


def test_it_shows_form_errors(client, dinsos_jaktim):
    response = login(client, dinsos_jaktim).post(
        "/regions/31.75.03/workforce/", {"year": 1900, "informal_workers": -5, "source": ""}
    )
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["informal_workers", "source", "year"]
    assert WorkforceEstimate.objects.count() == 0


def test_it_hides_editing_outside_scope_as_404(client, dinsos_jakbar):
    login(client, dinsos_jakbar)
    assert client.get("/regions/31.75.03/workforce/").status_code == 404
    post = client.post("/regions/31.75.03/workforce/", {"year": 2025, "informal_workers": 1, "source": "x"})
    assert post.status_code == 404
    assert WorkforceEstimate.objects.count() == 0


def test_it_forbids_editing_without_the_capability(client, auditor):
    assert login(client, auditor).get("/regions/31.75.03/workforce/").status_code == 403


def test_it_imports_an_uploaded_csv(client, dinsos_jaktim):
    login(client, dinsos_jaktim)
    upload = SimpleUploadedFile("jt.csv", CSV.encode(), content_type="text/csv")
    response = client.post(reverse("regions:workforce_import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert WorkforceEstimate.objects.get(region__code="31.75.03").informal_workers == 41000
    assert len(list(response.context["messages"])) == 1


def test_it_shows_import_errors_and_stores_nothing(client, dinsos_jaktim):
    login(client, dinsos_jaktim)
    bad = CSV + "31.99,2025,1,x,ya\n"
    upload = SimpleUploadedFile("jt.csv", bad.encode(), content_type="text/csv")
    response = client.post(reverse("regions:workforce_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["errors"] == ["row 3, kode_wilayah: 31.99 is not a known region"]
    assert WorkforceEstimate.objects.count() == 0


def test_it_refuses_binary_and_oversized_uploads(client, dinsos_jaktim, settings):
    login(client, dinsos_jaktim)
    binary = SimpleUploadedFile("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", content_type="text/csv")
    response = client.post(reverse("regions:workforce_import"), {"file": binary})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This is not a text file. Upload a CSV file."] or (
        response.context["form"].errors["file"] == ["Ini bukan berkas teks. Unggah berkas CSV."]
    )
    settings.ASKESOS_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("jt.csv", CSV.encode(), content_type="text/csv")
    response = client.post(reverse("regions:workforce_import"), {"file": big})
    assert response.status_code == 400
    assert response.context["form"].errors["file"].as_data()[0].code == "too_large"
    assert WorkforceEstimate.objects.count() == 0


def test_it_serves_the_csv_template(client, auditor):
    response = login(client, auditor).get(reverse("regions:workforce_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="askesos-pekerja-informal.csv"'
    assert (
        response.content.decode().splitlines()[0]
        == "kode_wilayah,tahun,jumlah_pekerja_informal,sumber,estimasi"
    )
