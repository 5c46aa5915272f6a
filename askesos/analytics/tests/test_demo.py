from __future__ import annotations

import datetime as dt

import pytest

from askesos.analytics.demo import demo_analytics
from askesos.evaluation import selectors
from askesos.evaluation.models import Response, SurveyRound
from askesos.evaluation.rules import Category
from askesos.reports.demo import demo_reports
from askesos.reports.models import GeneratedReport

pytestmark = pytest.mark.django_db


def test_it_builds_the_demo_idempotently(lpa_jt01, kemensos_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = dt.date(2026, 3, 15)
    first = demo_analytics(today=today)
    second = demo_analytics(today=today)
    assert first["responses"] == second["responses"] == 200 == Response.objects.count()
    assert first["targets"] == 10
    survey = SurveyRound.objects.get()
    low, high = survey.region.subtree
    scores = selectors.survey_scores(
        user=kemensos_admin, f=selectors.ScoreFilter(survey.instrument_id, low, high)
    )
    weakest = sorted(scores.aspects, key=lambda a: a.mean)[:2]
    assert {a.aspect for a in weakest} == {"communication", "resources"}
    assert all(a.category in (Category.TIDAK_BAIK, Category.KURANG_BAIK) for a in weakest)
    assert demo_reports(today=today) == demo_reports(today=today) == GeneratedReport.objects.count()
