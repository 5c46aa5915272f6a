# ruff: noqa: E501, PT018
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from askesos.registry.models import DuplicateCandidate, Heir, ImportJob, Person

from .conftest import CAKUNG_KEY
from .test_importer import DAMAGED, csv_bytes


@pytest.fixture
def people(register, lpa_jt02):
    ours = register()
    theirs = register(lpa=lpa_jt02, nik="3175061708850002", full_name="Bambang Wijaya", kelurahan_id=CAKUNG_KEY,
                      kk_number="")  # fmt: skip
    return ours, theirs


def test_lpa_manager_sees_only_own_lpa_persons(client, lpa_manager, people):
    ours, theirs = people
    client.force_login(lpa_manager)
    page = client.get(reverse("registry:search"), {"q": "b"})
    assert [p.pk for p in page.context["results"]] == [ours.pk]
    assert client.get(reverse("registry:detail", args=[theirs.pk])).status_code == 404


def test_dinsos_sees_the_whole_city(client, dinsos_jaktim, people):
    client.force_login(dinsos_jaktim)
    page = client.get(reverse("registry:search"), {"q": "b"})
    assert sorted(p.pk for p in page.context["results"]) == sorted(p.pk for p in people)


def test_dinsos_of_another_city_and_outsiders_get_404(client, dinsos_jakbar, outsider, people):
    for user in (dinsos_jakbar, outsider):
        client.force_login(user)
        assert client.get(reverse("registry:detail", args=[people[0].pk])).status_code == 404
        assert client.get(reverse("registry:search"), {"q": "3175031708850001"}).context["results"] == []


def test_search_by_nik_and_lists_mask_the_nik(client, lpa_manager, people):
    client.force_login(lpa_manager)
    page = client.get(reverse("registry:search"), {"q": "3175.0317.0885.0001"})
    assert [p.pk for p in page.context["results"]] == [people[0].pk]
    html = page.content.decode()
    assert "3175••••••••0001" in html and "3175031708850001" not in html


def test_full_nik_only_on_detail_for_view_nik(client, lpa_manager, auditor, people):
    url = reverse("registry:detail", args=[people[0].pk])
    client.force_login(lpa_manager)
    assert "3175031708850001" in client.get(url).content.decode()
    client.force_login(auditor)
    html = client.get(url).content.decode()
    assert "3175031708850001" not in html and "3175••••••••0001" in html


def test_search_reads_are_bounded(client, lpa_manager, people, django_assert_max_num_queries):
    client.force_login(lpa_manager)
    with django_assert_max_num_queries(12):
        client.get(reverse("registry:search"), {"q": "Budi"})


def test_register_and_edit_through_the_pages(client, lpa_manager, lpa_jt01):
    client.force_login(lpa_manager)
    form = {"lpa": lpa_jt01.pk, "nik": "3175035708870002", "full_name": "Siti Aminah", "birth_date": "1987-08-17",
            "sex": "P", "marital_status": "kawin", "occupation": "penjahit", "monthly_income": "900000",
            "is_breadwinner": "on", "phone": "0813 1111 2222", "address": "Gg. Melati 3", "kelurahan": "3175031001",
            "kk_number": "3175031203150007", "kk_relation": "kepala"}  # fmt: skip
    response = client.post(reverse("registry:register"), form)
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:detail", args=[person.pk]
    )
    again = client.post(reverse("registry:register"), form)
    assert again.status_code == 200
    assert again.context["form"].errors["nik"] == [
        "NIK 3175••••••••0002 is already registered (LPA LPA-JT-01)."
    ]
    edit = {**form, "monthly_income": "1000000", "reason": "new stall"}
    del edit["lpa"]
    assert client.post(reverse("registry:edit", args=[person.pk]), edit).status_code == 302
    assert Person.objects.get().monthly_income == 1_000_000


def test_heir_pages_warn_until_shares_add_up(client, lpa_manager, people):
    client.force_login(lpa_manager)
    person = people[0]
    response = client.post(reverse("registry:heir_add", args=[person.pk]), {
        "full_name": "Siti", "nik": "3175035708870002", "relation": "pasangan", "share_percent": "60",
        "payout_channel": "tunai"}, follow=True)  # fmt: skip
    assert [str(m) for m in response.context["messages"]] == [
        "The heirs' shares add up to 60.0 %; they must add up to 100 %."
    ]
    heir = Heir.objects.get()
    client.post(reverse("registry:heir_remove", args=[heir.pk]))
    assert not Heir.objects.exists()


def test_heir_pages_are_scoped(client, other_lpa_manager, people):
    client.force_login(other_lpa_manager)
    assert client.get(reverse("registry:heir_add", args=[people[0].pk])).status_code == 404


def test_duplicate_queue_and_decisions(client, dinsos_jaktim, lpa_manager, register):
    budi = register()
    register(nik="3175031708850002", full_name="Santoso Budi", kk_number="")
    pair = DuplicateCandidate.objects.get()
    client.force_login(lpa_manager)
    assert client.get(reverse("registry:duplicates")).context["pairs"] == [pair]
    client.force_login(dinsos_jaktim)
    client.post(reverse("registry:duplicate_decide", args=[pair.pk]),
                {"action": "merge", "keep": budi.pk, "note": "same person"})  # fmt: skip
    assert DuplicateCandidate.objects.get().status == "merged"


def test_auditor_cannot_review_duplicates(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("registry:duplicates")).status_code == 403


def test_import_upload_runs_and_offers_the_error_file(client, lpa_manager, lpa_jt01, settings,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    settings.ASKESOS_IMPORT_IN_THREAD = False
    client.force_login(lpa_manager)
    upload = SimpleUploadedFile("anggota.csv", csv_bytes(DAMAGED), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import"), {"lpa": lpa_jt01.pk, "file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("registry:import_status", args=[job.pk])
    assert (job.status, job.imported, job.rejected) == ("done", 3, 12)
    progress = client.get(reverse("registry:import_status", args=[job.pk]), headers={"HX-Request": "true"})
    assert "Imported 3, rejected 12, already registered 0." in progress.content.decode()
    errors = client.get(reverse("registry:import_errors", args=[job.pk]))
    assert b"".join(errors.streaming_content).decode("utf-8-sig").startswith("nik,no_kk,nama")


def test_import_refuses_files_that_are_not_csv_or_xlsx(client, lpa_manager, lpa_jt01):
    client.force_login(lpa_manager)
    fake = SimpleUploadedFile("anggota.xlsx", b"PK\x03\x04not really a zip", content_type="application/zip")
    response = client.post(reverse("registry:import"), {"lpa": lpa_jt01.pk, "file": fake})
    assert response.context["form"].errors["file"] == ["This zip file is not an Excel workbook (.xlsx)."]
    binary = SimpleUploadedFile("anggota.csv", b"\x00\x01\x02" * 100)
    response = client.post(reverse("registry:import"), {"lpa": lpa_jt01.pk, "file": binary})
    assert response.context["form"].errors["file"][0].startswith("This is not a CSV or XLSX file.")
    assert not ImportJob.objects.exists()


def test_import_status_is_scoped(client, other_lpa_manager, lpa_jt01):
    job = ImportJob.objects.create(lpa=lpa_jt01, file_name="a.csv", sha256="x")
    client.force_login(other_lpa_manager)
    assert client.get(reverse("registry:import_status", args=[job.pk])).status_code == 404


def test_templates_download(client, lpa_manager):
    from openpyxl import load_workbook

    client.force_login(lpa_manager)
    csv_text = client.get(reverse("registry:import_template", args=["csv"])).content.decode("utf-8-sig")
    assert (
        csv_text.splitlines()[0] == "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_kawin,pekerjaan,"
        "penghasilan,pencari_nafkah_utama,telepon,alamat,kode_kelurahan"
    )
    book = load_workbook(io.BytesIO(client.get(reverse("registry:import_template", args=["xlsx"])).content))
    assert book.sheetnames == ["data", "petunjuk"]
    assert book["data"]["A2"].value == "3175031708850001"
    assert book["petunjuk"]["A2"].value == "nik"


def test_the_menu_has_registry_entries(client, lpa_manager):
    client.force_login(lpa_manager)
    names = [item.url_name for item in client.get(reverse("registry:search")).context["nav_items"]]
    assert {"registry:search", "registry:import", "registry:duplicates"} <= set(names)


def test_import_refuses_an_oversized_file_under_its_field(client, lpa_manager, lpa_jt01, settings):
    settings.ASKESOS_MAX_UPLOAD_BYTES = 1024
    client.force_login(lpa_manager)
    big = SimpleUploadedFile("anggota.csv", b"nik,nama\n" + b"3175031708850001,Budi\n" * 60)
    response = client.post(reverse("registry:import"), {"lpa": lpa_jt01.pk, "file": big})
    assert response.context["form"].errors == {"file": ["The file is larger than 1.0\xa0KB."]}
    assert not ImportJob.objects.exists()


def test_the_domicile_kelurahan_is_one_of_the_lpas_city_for_an_lpa_user(client, lpa_manager):
    from askesos.regions.models import Region

    client.force_login(lpa_manager)
    field = client.get(reverse("registry:register")).context["form"].fields["kelurahan"]
    offered = [value for _group, options in field.widget.choices[1:] for value, _label in options]
    assert offered == [
        str(pk)
        for pk in Region.objects.filter(code__startswith="31.75.", level=4)
        .order_by("id")
        .values_list("pk", flat=True)
    ]


def test_a_person_outside_the_users_area_is_refused_with_the_reason(client, lpa_manager, lpa_jt01):
    client.force_login(lpa_manager)
    form = {"lpa": lpa_jt01.pk, "nik": "3175035708870002", "full_name": "Siti Aminah", "birth_date": "1987-08-17",
            "sex": "P", "marital_status": "kawin", "occupation": "penjahit", "monthly_income": "900000",
            "address": "Gg. Melati 3", "kelurahan": "31.73.01.1001"}  # fmt: skip
    response = client.post(reverse("registry:register"), form)
    assert response.context["form"].errors == {
        "kelurahan": ["Cengkareng Barat (31.73.01.1001) is outside your area."]
    }
    assert not Person.objects.exists()
