from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from askesos.evaluation import selectors, services
from askesos.evaluation.models import Answer, Item, Response
from askesos.evaluation.rules import Category
from askesos.evaluation.seed import seed_default_instrument
from askesos.regions.models import Region

pytestmark = pytest.mark.django_db
KEL = "31.75.03.1001"


@pytest.fixture
def survey(kemensos_admin):
    instrument = seed_default_instrument()
    return services.round_create(
        actor=kemensos_admin,
        instrument=instrument,
        name="Survei 2024",
        period=dt.date(2024, 6, 1),
        region=Region.objects.get(code="31.75"),
    )


def test_it_seeds_the_default_instrument_idempotently() -> None:
    first = seed_default_instrument()
    second = seed_default_instrument()
    assert first.pk == second.pk
    items = Item.objects.filter(instrument=first)
    assert items.count() == 18
    for aspect in ("communication", "resources", "disposition", "bureaucratic_structure"):
        assert items.filter(aspect=aspect, kind="likert").count() >= 3


def _csv(rows: list[str]) -> bytes:
    return ("group,kelurahan,lpa,respondent,K1,K2,K5,R1,D1,B1\n" + "\n".join(rows) + "\n").encode()


def test_it_imports_all_or_nothing_with_row_and_column_errors(survey, kemensos_admin):
    bad = _csv([f"member,{KEL},,r1,1,2,,3,4,2", f"alien,{KEL},,r2,1,2,,3,9,2", "member,99.99,,r3,1,1,,1,1,1"])
    with pytest.raises(services.ImportErrors) as exc:
        services.responses_import(actor=kemensos_admin, survey=survey, file_name="a.csv", content=bad)
    assert exc.value.errors == [
        (3, "group", "unknown respondent group 'alien'"),
        (3, "D1", "must be one of 1, 2, 3, 4"),
        (4, "kelurahan", "not a kelurahan inside the round's area"),
    ]
    assert Response.objects.count() == 0
    good = _csv(
        [
            f"member,{KEL},,r1,1,2,,3,4,2",
            f"non_member,{KEL},,r2,1,1,0,1,2,2",
            f"non_member,{KEL},,r3,2,1,1,1,2,2",
        ]
    )
    assert (
        services.responses_import(actor=kemensos_admin, survey=survey, file_name="a.csv", content=good) == 3
    )
    assert Answer.objects.count() == 17


def test_it_imports_xlsx(survey, kemensos_admin):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["group", "kelurahan", "K1", "R1"])
    sheet.append(["officer", KEL, 3, 2])
    buffer = io.BytesIO()
    book.save(buffer)
    assert (
        services.responses_import(
            actor=kemensos_admin, survey=survey, file_name="x.xlsx", content=buffer.getvalue()
        )
        == 1
    )


def test_it_scores_aspects_and_awareness(survey, kemensos_admin):
    rows = _csv(
        [
            f"member,{KEL},,a,1,2,,2,4,3",
            f"member,{KEL},,b,2,2,,1,4,3",
            f"non_member,{KEL},,c,1,1,0,1,2,2",
            f"non_member,{KEL},,d,1,1,1,1,2,2",
            f"non_member,{KEL},,e,1,1,0,1,2,2",
            f"non_member,{KEL},,f,1,1,0,1,2,2",
        ]
    )
    services.responses_import(actor=kemensos_admin, survey=survey, file_name="a.csv", content=rows)
    low, high = survey.region.subtree
    scores = selectors.survey_scores(
        user=kemensos_admin, f=selectors.ScoreFilter(survey.instrument_id, low, high)
    )
    assert scores.respondents == 6
    comm = scores.aspect("communication")
    # K1 mean 7/6, K2 mean 8/6 → transmission 1.25; communication = transmission only
    assert comm is not None
    assert comm.mean == Decimal("1.25")
    assert comm.category == Category.TIDAK_BAIK
    assert scores.awareness_pct == Decimal("25.00")
    assert scores.awareness_n == 4
    members = selectors.survey_scores(
        user=kemensos_admin, f=selectors.ScoreFilter(survey.instrument_id, low, high, group="member")
    )
    assert members.respondents == 2
    assert members.aspect("disposition").mean == Decimal("4.00")  # type: ignore[union-attr]
    assert members.awareness_pct == Decimal("25.00")  # awareness always from non-members


def test_it_records_a_response_from_the_phone_form(client, survey, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    url = reverse("evaluation:respond", args=[survey.pk])
    assert client.get(url).status_code == 200
    kel = Region.objects.get(code=KEL)
    response = client.post(url, {"group": "officer", "kelurahan": kel.id, "item_K1": "2", "item_R1": "1"})
    assert response.status_code == 302
    assert Answer.objects.filter(response__group="officer").count() == 2
    assert client.get(reverse("evaluation:round", args=[survey.pk])).status_code == 200


def test_it_hides_rounds_outside_the_scope(client, survey, dinsos_jakbar, officer):
    client.force_login(dinsos_jakbar)
    assert client.get(reverse("evaluation:round", args=[survey.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("evaluation:round", args=[survey.pk])).status_code == 403


def test_the_phone_form_takes_a_kelurahan_code_for_a_large_round(client, kemensos_admin, dinsos_jaktim):
    national = services.round_create(
        actor=kemensos_admin,
        instrument=seed_default_instrument(),
        name="Survei Jabar",
        period=dt.date(2024, 6, 1),
        region=Region.objects.get(code="32"),
    )
    client.force_login(kemensos_admin)
    url = reverse("evaluation:respond", args=[national.pk])
    html = str(client.get(url).context["form"]["kelurahan"])
    assert "<option" not in html
    assert 'inputmode="numeric"' in html
    desa = Region.objects.filter(code__startswith="32.", level=4).order_by("id")[0]
    response = client.post(url, {"group": "officer", "kelurahan": desa.code, "item_K1": "2"})
    assert response.status_code == 302
    assert Response.objects.get().region_id == desa.pk
    response = client.post(url, {"group": "officer", "kelurahan": KEL, "item_K1": "2"})
    assert response.context["form"].errors == {
        "kelurahan": ["Kampung Melayu (31.75.03.1001) is outside the round's area."]
    }


def test_the_import_refuses_an_oversized_or_disguised_file_under_its_field(
    client, survey, dinsos_jaktim, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(dinsos_jaktim)
    url = reverse("evaluation:import", args=[survey.pk])
    page = SimpleUploadedFile("jawaban.csv", b"<html><body>not a sheet</body></html>")
    response = client.post(url, {"file": page})
    assert response.context["form"].errors == {
        "file": ["This is not a CSV or XLSX file. Save the sheet as CSV or Excel workbook (.xlsx)."]
    }
    settings.ASKESOS_MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("jawaban.csv", _csv([f"member,{KEL},,r{i},1,2,,3,4,2" for i in range(60)]))
    response = client.post(url, {"file": big})
    assert response.context["form"].errors == {"file": ["The file is larger than 1.0\xa0KB."]}
    assert Response.objects.count() == 0


def test_the_import_decides_csv_or_xlsx_by_content_not_by_name(survey, kemensos_admin):
    content = _csv([f"member,{KEL},,r1,1,2,,3,4,2"])
    assert (
        services.responses_import(actor=kemensos_admin, survey=survey, file_name="a.xlsx", content=content)
        == 1
    )
