"""Survey rounds: list, create, the phone entry form, CSV/XLSX import and the scores page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from askesos.accounts.permissions import Capability, has_capability
from askesos.core.access import get_in_scope_or_404, scoped
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.core.months import parse_month
from askesos.evaluation import rules, selectors, services
from askesos.evaluation.forms import ImportForm, ResponseForm, RoundForm
from askesos.evaluation.models import RespondentGroup, SurveyRound
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region


@capability_required(Capability.VIEW_EVALUATION)
def rounds(request: HttpRequest) -> HttpResponse:
    qs = selectors.rounds_in_scope(request.user)[:200]
    return render(
        request,
        "evaluation/rounds.html",
        {"rounds": qs, "can_manage": has_capability(request.user, Capability.MANAGE_SURVEYS)},
    )


@capability_required(Capability.MANAGE_SURVEYS)
def round_new(request: HttpRequest) -> HttpResponse:
    lpas = scoped(request.user, Lpa.objects.all()).order_by("code")
    form = RoundForm(request.POST or None, lpas=lpas)
    if request.method == "POST" and form.is_valid():
        try:
            region = Region.objects.get(code=codes.normalize_code(form.cleaned_data["region_code"]))
            survey = services.round_create(
                actor=request.user,
                instrument=form.cleaned_data["instrument"],
                name=form.cleaned_data["name"],
                period=parse_month(form.cleaned_data["period"]),
                region=region,
                lpa=form.cleaned_data["lpa"],
            )
            return redirect("evaluation:round", round_id=survey.pk)
        except (Region.DoesNotExist, codes.RegionCodeError):
            form.add_error("region_code", _("Unknown region code."))
        except ValueError as exc:
            form.add_error("period", str(exc))
        except DomainError as exc:
            form.add_error(None, str(exc))
    return render(request, "evaluation/round_new.html", {"form": form})


def _round(request: HttpRequest, round_id: int) -> SurveyRound:
    return get_in_scope_or_404(
        request.user, SurveyRound.objects.select_related("instrument", "region", "lpa"), pk=round_id
    )


@capability_required(Capability.VIEW_EVALUATION)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    survey = _round(request, round_id)
    try:
        scheme = rules.CategoryScheme(request.GET.get("scheme", rules.CategoryScheme.KEP25.value))
    except ValueError:
        scheme = rules.CategoryScheme.KEP25
    low, high = survey.region.subtree
    base = selectors.ScoreFilter(survey.instrument_id, low, high, round_id=survey.pk)
    overall = selectors.survey_scores(user=request.user, f=base, scheme=scheme)
    by_group = []
    for code, label in RespondentGroup.choices:
        f = selectors.ScoreFilter(**{**base.__dict__, "group": code})
        by_group.append((label, selectors.survey_scores(user=request.user, f=f, scheme=scheme)))
    return render(
        request,
        "evaluation/round.html",
        {
            "survey": survey,
            "overall": overall,
            "by_group": by_group,
            "scheme": scheme,
            "schemes": list(rules.CategoryScheme),
            "can_manage": has_capability(request.user, Capability.MANAGE_SURVEYS),
        },
    )


@capability_required(Capability.MANAGE_SURVEYS)
def response_new(request: HttpRequest, round_id: int) -> HttpResponse:
    survey = _round(request, round_id)
    form = ResponseForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        lpa = form.cleaned_data.get("lpa")
        data = services.ResponseInput(
            form.cleaned_data["group"],
            form.cleaned_data["kelurahan"].pk,
            int(lpa) if lpa else None,
            form.answers(),
            form.cleaned_data["respondent"],
        )
        try:
            services.response_record(actor=request.user, survey=survey, data=data)
            messages.success(request, _("Response saved."))
            return redirect("evaluation:respond", round_id=survey.pk)
        except DomainError as exc:
            form.add_error(None, str(exc))
    return render(request, "evaluation/respond.html", {"survey": survey, "form": form})


@capability_required(Capability.MANAGE_SURVEYS)
def response_import(request: HttpRequest, round_id: int) -> HttpResponse:
    survey = _round(request, round_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            n = services.responses_import(
                actor=request.user, survey=survey, file_name=upload.name, content=upload.read()
            )
            messages.success(request, _("%(n)s responses imported.") % {"n": n})
            return redirect("evaluation:round", round_id=survey.pk)
        except services.ImportErrors as exc:
            errors = exc.errors
        except DomainError as exc:
            form.add_error(None, str(exc))
    return render(request, "evaluation/import.html", {"survey": survey, "form": form, "errors": errors})


@capability_required(Capability.MANAGE_SURVEYS)
def import_template(request: HttpRequest, round_id: int) -> HttpResponse:
    survey = _round(request, round_id)
    header = [*services.IMPORT_COLUMNS, *(i.code for i in survey.instrument.items.all())]
    if not header:
        raise Http404
    response = HttpResponse(",".join(header) + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response
