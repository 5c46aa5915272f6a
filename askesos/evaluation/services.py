"""Writes: survey rounds, responses (form entry) and all-or-nothing imports (CSV/XLSX)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.services import audit_record
from askesos.core.access import region_in_scope, user_scope
from askesos.core.errors import DomainError
from askesos.core.months import month_start
from askesos.evaluation import rules
from askesos.evaluation.models import (
    Answer,
    Instrument,
    Item,
    ItemKind,
    RespondentGroup,
    Response,
    SurveyRound,
)
from askesos.lpa.models import Lpa
from askesos.regions import codes
from askesos.regions.models import Region


def round_create(
    *, actor: Any, instrument: Instrument, name: str, period: dt.date, region: Region, lpa: Lpa | None = None
) -> SurveyRound:
    """Open a survey round for an area (and optionally one LPA in it) in a period; audited."""
    if actor is not None and not region_in_scope(actor, region.id):
        raise DomainError(_("This area is outside your scope."), code="out_of_scope", field="region")
    if lpa is not None and not region.contains(lpa.kelurahan_id):
        raise DomainError(_("The LPA is not in this area."), code="lpa_outside_area", field="lpa")
    with transaction.atomic():
        survey = SurveyRound.objects.create(
            instrument=instrument,
            name=name,
            period=month_start(period),
            region=region,
            lpa=lpa,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="survey_round.create",
            obj=survey,
            region_id=region.id,
            lpa_id=lpa.pk if lpa else None,
            new={"name": name, "period": survey.period},
        )
    return survey


@dataclass(frozen=True)
class ResponseInput:
    group: str
    region_id: int
    lpa_id: int | None
    answers: Mapping[str, object]  # item code → raw answer (blank: not answered)
    respondent_ref: str = ""


class ImportErrors(DomainError):
    """All the problems of an import, as (row, column, message); nothing was saved."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__(
            _("The file has %(n)s errors; nothing was imported.") % {"n": len(errors)}, code="import_errors"
        )
        self.errors = errors


def _check(
    survey: SurveyRound, items: dict[str, Item], data: ResponseInput, lpa_ids: set[int]
) -> list[tuple[str, str]]:
    """Problems with one response as (column, message); empty when valid."""
    errors: list[tuple[str, str]] = []
    if data.group not in RespondentGroup.values:
        errors.append(("group", _("unknown respondent group %(g)r") % {"g": data.group}))
    if not survey.region.contains(data.region_id) or data.region_id % 10000 == 0:
        errors.append(("kelurahan", _("not a kelurahan inside the round's area")))
    if data.lpa_id is not None and data.lpa_id not in lpa_ids:
        errors.append(("lpa", _("unknown LPA")))
    answered = 0
    for code, raw in data.answers.items():
        item = items.get(code)
        if item is None:
            errors.append((code, _("no such item in the instrument")))
            continue
        if raw is None or str(raw).strip() == "":
            continue
        if data.group in RespondentGroup.values and not item.asked_of(data.group):
            errors.append((code, _("this item is not asked of %(g)s") % {"g": data.group}))
            continue
        try:
            rules.validate_answer(raw, scale=survey.instrument.scale, yes_no=item.kind == ItemKind.YES_NO)
            answered += 1
        except ValueError as exc:
            errors.append((code, str(exc)))
    if not answered and not errors:
        errors.append(("answers", _("no item answered")))
    return errors


def _save(actor: Any, survey: SurveyRound, items: dict[str, Item], rows: list[ResponseInput]) -> int:
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    responses = Response.objects.bulk_create(
        [
            Response(
                round=survey,
                group=r.group,
                region_id=r.region_id,
                lpa_id=r.lpa_id,
                respondent_ref=r.respondent_ref,
                entered_by=user,
                entered_at=now,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    answers = [
        Answer(response=resp, item=items[code], value=int(str(raw).strip()))
        for resp, r in zip(responses, rows, strict=True)
        for code, raw in r.answers.items()
        if raw is not None and str(raw).strip() != ""
    ]
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(responses)


def _items(survey: SurveyRound) -> dict[str, Item]:
    return {i.code: i for i in survey.instrument.items.all()}


def _lpa_ids(survey: SurveyRound) -> set[int]:
    low, high = survey.region.subtree
    return set(Lpa.objects.filter(kelurahan_id__gte=low, kelurahan_id__lt=high).values_list("id", flat=True))


def response_record(*, actor: Any, survey: SurveyRound, data: ResponseInput) -> Response:
    """Record one respondent's answers (the phone form). Validated by ``evaluation.rules``; audited."""
    items = _items(survey)
    errors = _check(survey, items, data, _lpa_ids(survey))
    if errors:
        column, message = errors[0]
        raise DomainError(message, code="invalid_response", field=column)
    with transaction.atomic():
        _save(actor, survey, items, [data])
        response = Response.objects.filter(round=survey).latest("id")
        audit_record(
            actor=actor,
            action="survey_response.record",
            obj=response,
            region_id=data.region_id,
            lpa_id=data.lpa_id,
        )
    return response


IMPORT_COLUMNS = ("group", "kelurahan", "lpa", "respondent")


def _rows_from(file_name: str, content: bytes) -> Iterator[dict[str, object]]:
    if content.startswith(b"PK\x03\x04"):  # an Excel workbook, by content (core.uploads), not by name
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(lines, ())]
        for values in lines:
            if values is None or all(v is None for v in values):
                continue
            yield {h: ("" if v is None else v) for h, v in zip(header, values, strict=False)}
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # old Excel saves CSV as Windows-1252
    yield from csv.DictReader(io.StringIO(text))


def responses_import(*, actor: Any, survey: SurveyRound, file_name: str, content: bytes) -> int:
    """Import responses from CSV or XLSX: columns ``group``, ``kelurahan`` (Kemendagri code),
    ``lpa`` (LPA code, optional), ``respondent`` (optional reference) and one column per item code.
    All or nothing: any error in any row → nothing saved, every error reported with row and column
    (row 2 is the first data row, as a spreadsheet shows it)."""
    items = _items(survey)
    lpa_codes = {
        code: pk
        for code, pk in Lpa.objects.filter(
            kelurahan_id__gte=survey.region.subtree[0], kelurahan_id__lt=survey.region.subtree[1]
        ).values_list("code", "id")
    }
    lpa_ids = set(lpa_codes.values())
    errors: list[tuple[int, str, str]] = []
    rows: list[ResponseInput] = []
    try:
        raw_rows = list(_rows_from(file_name, content))
    except Exception as exc:  # a broken file of any kind: report it, do not crash
        raise ImportErrors([(1, "file", _("cannot read the file: %(e)s") % {"e": exc})]) from None
    if raw_rows:
        unknown = [c for c in raw_rows[0] if c and c not in IMPORT_COLUMNS and c not in items]
        errors += [(1, c, _("unknown column")) for c in unknown]
    for number, raw in enumerate(raw_rows, start=2):
        try:
            region_id = codes.code_to_key(str(raw.get("kelurahan", "")))
        except codes.RegionCodeError:
            errors.append((number, "kelurahan", _("not a Kemendagri kelurahan code")))
            region_id = 0
        lpa_code = str(raw.get("lpa", "") or "").strip()
        lpa_id = lpa_codes.get(lpa_code) if lpa_code else None
        if lpa_code and lpa_id is None:
            errors.append((number, "lpa", _("unknown LPA code %(c)r in this area") % {"c": lpa_code}))
        answers = {k: v for k, v in raw.items() if k in items}
        data = ResponseInput(
            str(raw.get("group", "")).strip(),
            region_id,
            lpa_id,
            answers,
            str(raw.get("respondent", "") or "").strip(),
        )
        if region_id:
            errors += [(number, col, msg) for col, msg in _check(survey, items, data, lpa_ids)]
        rows.append(data)
    if not raw_rows:
        errors.append((1, "file", _("no data rows")))
    if errors:
        raise ImportErrors(errors)
    if actor is not None and not user_scope(actor).national and not region_in_scope(actor, survey.region_id):
        raise DomainError(_("This area is outside your scope."), code="out_of_scope")
    with transaction.atomic():
        count = _save(actor, survey, items, rows)
        audit_record(
            actor=actor,
            action="survey_response.import",
            obj=survey,
            region_id=survey.region_id,
            new={"responses": count, "file": file_name},
        )
    return count
