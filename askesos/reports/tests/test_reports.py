# ruff: noqa: RUF001  (en dashes are deliberate: Indonesian report text, ranges)
from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from askesos.analytics.services import rollups_refresh
from askesos.reports.models import GeneratedReport
from askesos.reports.services import reports_generate_month

D = dt.date
MONTH = D(2024, 6, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def generated(lpa_jt01, lpa_jb01):
    from askesos.regions.models import Region, WorkforceEstimate

    WorkforceEstimate.objects.create(
        region=Region.objects.get(code="31.75"), year=2024, informal_workers=400_000, source="test"
    )
    rollups_refresh(month=MONTH)
    return reports_generate_month(month=MONTH, today=D(2024, 7, 2))


def test_it_generates_every_report_of_the_month_idempotently(generated, lpa_jt01, lpa_jb01):
    kinds = sorted((r.kind, r.format, r.region_id, r.lpa_id) for r in GeneratedReport.objects.all())
    assert kinds == sorted(
        [
            ("lpa_monthly", "pdf", lpa_jt01.kelurahan_id, lpa_jt01.pk),
            ("lpa_monthly", "xlsx", lpa_jt01.kelurahan_id, lpa_jt01.pk),
            ("lpa_monthly", "pdf", lpa_jb01.kelurahan_id, lpa_jb01.pk),
            ("lpa_monthly", "xlsx", lpa_jb01.kelurahan_id, lpa_jb01.pk),
            ("dinsos_pack", "pdf", 3173000000, None),
            ("dinsos_pack", "xlsx", 3173000000, None),
            ("dinsos_pack", "pdf", 3175000000, None),
            ("dinsos_pack", "xlsx", 3175000000, None),
            ("national_summary", "pdf", None, None),
            ("national_summary", "xlsx", None, None),
        ]
    )
    pack = GeneratedReport.objects.get(kind="dinsos_pack", format="pdf", region_id=3175000000)
    assert pack.title == "Paket Monitoring Dinas Sosial – Kota Administrasi Jakarta Timur – 2024-06"
    assert pack.file.read()[:4] == b"%PDF"
    call_command("generate-reports", "--month", "2024-06")
    assert GeneratedReport.objects.count() == 10


def test_it_lets_only_users_in_scope_download(
    client, generated, dinsos_jaktim, dinsos_jakbar, lpa_manager, kemensos_admin
):
    pack = GeneratedReport.objects.get(kind="dinsos_pack", format="xlsx", region_id=3175000000)
    national = GeneratedReport.objects.get(kind="national_summary", format="pdf")
    lpa_report = GeneratedReport.objects.get(
        kind="lpa_monthly", format="pdf", lpa_id=lpa_manager.scope_lpas.get().pk
    )
    url = lambda r: reverse("reports:download", args=[r.pk])  # noqa: E731
    client.force_login(dinsos_jaktim)
    assert client.get(url(pack)).status_code == 200
    assert client.get(url(lpa_report)).status_code == 200  # the LPA is in East Jakarta
    assert client.get(url(national)).status_code == 404
    listing = client.get(reverse("reports:list")).content.decode()
    assert "Jakarta Timur" in listing
    assert "Jakarta Barat" not in listing
    client.force_login(dinsos_jakbar)
    assert client.get(url(pack)).status_code == 404
    client.force_login(lpa_manager)
    assert client.get(url(lpa_report)).status_code == 200
    assert client.get(url(pack)).status_code == 404
    client.force_login(kemensos_admin)
    response = client.get(url(national))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"%PDF"


def test_it_generates_on_demand_within_scope(client, lpa_jt01, lpa_jb01, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    ok = client.post(
        reverse("reports:generate"), {"kind": "dinsos_pack", "month": "2024-06", "area": "31.75"}
    )
    assert ok.status_code == 302
    assert GeneratedReport.objects.filter(kind="dinsos_pack", region_id=3175000000).count() == 2
    assert (
        client.post(
            reverse("reports:generate"), {"kind": "dinsos_pack", "month": "2024-06", "area": "31.73"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("reports:generate"), {"kind": "lpa_monthly", "month": "2024-06", "lpa": lpa_jb01.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("reports:generate"), {"kind": "national_summary", "month": "2024-06"}).status_code
        == 404
    )
