"""The monthly cycle: statuses, status-change events, reminders and officers' follow-up lists,
all set-based over id-range chunks of memberships (never a Python loop over members).

Each chunk runs in its own transaction and is idempotent on its own (it only touches rows whose
status differs from what the rules say, inserts reminders that are not there yet, and replaces the
chunk's follow-up items), and ``CycleRun.last_id`` is advanced inside the same transaction. So a run
killed half-way and started again — resuming or from the start — ends in the same state as one clean
run, and a second full run changes nothing. The SQL is built with the ORM (Case/When, Exists,
subqueries) and wrapped as ``INSERT … SELECT``, so it is the same on SQLite and PostgreSQL; the
follow-up list adds a window function over the payments joined once (standard SQL on both).

Every step is one statement per chunk and scheme: no per-member query and no per-member Python. The
reminder SMS texts are rendered once per scheme by ``notifications.rules.render`` and the member
number spliced in by SQL (``tests/test_cycle_messages.py`` holds both to the Python rules).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import (
    Cast,
    Concat,
    ExtractMonth,
    ExtractYear,
    JSONObject,
    Length,
    Substr,
)
from django.utils import timezone

from askesos.audit.services import audit_record
from askesos.contributions import rules
from askesos.contributions.models import (
    CycleReminder,
    CycleRun,
    FollowUpItem,
    FollowUpReason,
    MembershipStatusChange,
    Payment,
    ReminderKind,
    StatusChangeReason,
)
from askesos.core.months import add_months, month_start
from askesos.membership.models import Membership, MembershipStatus, TerminationReason
from askesos.schemes.models import SchemeVersion

logger = logging.getLogger("askesos.contributions.cycle")

DEFAULT_CHUNK = 50_000
_LIVE = [MembershipStatus.ACTIVE, MembershipStatus.ARREARS, MembershipStatus.LAPSED, MembershipStatus.PENDING]


@dataclass(frozen=True)
class SchemeRules:
    scheme_id: int
    grace_months: int
    exit_age: int | None
    premium: int


class CycleInterrupted(RuntimeError):
    """Raised by the test hook ``stop_after_chunks`` to simulate a crash between chunks."""


def _scheme_rules(month: dt.date) -> list[SchemeRules]:
    """The version in force in ``month`` for every scheme (one query; few schemes)."""
    latest: dict[int, SchemeVersion] = {}
    for v in SchemeVersion.objects.filter(effective_from__lte=month).order_by("scheme_id", "effective_from"):
        latest[v.scheme_id] = v
    return [SchemeRules(s, v.grace_months, v.exit_age, v.premium_monthly) for s, v in sorted(latest.items())]


def _date(value: dt.date) -> Value:
    return Value(value, output_field=models.DateField())


def _text(value: str) -> Value:
    return Value(value, output_field=models.CharField())


def _select_sql(queryset: models.QuerySet[Any], columns: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """``SELECT <expressions> AS _c0, _c1, … FROM <queryset>`` as SQL and parameters."""
    names = [f"_c{i}" for i in range(len(columns))]
    select = (
        queryset.order_by().annotate(**dict(zip(names, columns.values(), strict=True))).values_list(*names)
    )
    sql, params = select.query.sql_with_params()
    return sql, tuple(params)


def _target(model: type[models.Model], names: Any) -> str:
    qn = connection.ops.quote_name
    concrete = {f.name: str(f.column) for f in model._meta.concrete_fields}
    return f"{qn(model._meta.db_table)} ({', '.join(qn(concrete[name]) for name in names)})"


def _insert_select(model: type[models.Model], columns: dict[str, Any], queryset: models.QuerySet[Any]) -> int:
    """``INSERT INTO model (columns) SELECT <expressions> FROM <queryset>``: one statement, any backend."""
    sql, params = _select_sql(queryset, columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_target(model, columns)} {sql}", params)
        return max(cursor.rowcount, 0)


def _insert_select_ids(
    model: type[models.Model], columns: dict[str, Any], queryset: models.QuerySet[Any]
) -> list[int]:
    """``_insert_select`` returning the new ids (``RETURNING``: PostgreSQL, SQLite ≥ 3.35)."""
    sql, params = _select_sql(queryset, columns)
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_target(model, columns)} {sql} RETURNING {qn(str(model._meta.pk.column))}",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def _status_case(month: dt.date, grace: int) -> Case:
    active_from, arrears_from = rules.status_bounds(month, grace)
    return Case(
        When(paid_through__gte=active_from, then=_text(MembershipStatus.ACTIVE)),
        When(paid_through__gte=arrears_from, then=_text(MembershipStatus.ARREARS)),
        default=_text(MembershipStatus.LAPSED),
        output_field=models.CharField(),
    )


def _month_index(field: str) -> Any:
    # EXTRACT is numeric on PostgreSQL: cast so the risk formula divides as integers on both backends.
    return Cast(ExtractYear(field) * 12 + ExtractMonth(field), output_field=IntegerField())


def cycle_chunk(
    *, lo: int, hi: int, month: dt.date, today: dt.date, schemes: list[SchemeRules]
) -> dict[str, int]:
    """Process memberships with lo <= id < hi. Idempotent; call inside a transaction."""
    counts = {"terminated_age": 0, "status_changes": 0, "reminders": 0, "followups": 0}
    chunk = Membership.objects.filter(id__gte=lo, id__lt=hi)
    FollowUpItem.objects.filter(cycle_month=month, membership_id__gte=lo, membership_id__lt=hi).delete()
    new_reminders: list[int] = []
    for s in schemes:
        members = chunk.filter(scheme_id=s.scheme_id)
        if s.exit_age:
            counts["terminated_age"] += _terminate_aged(members, s, month, today)
        counts["status_changes"] += _update_status(members, s, month, today)
        new_reminders += _insert_reminders(members, s, month)
        counts["followups"] += _insert_followups(members, s, month, lo, hi)
    counts["reminders"] = len(new_reminders)
    if new_reminders:
        # Only the reminders this chunk created get a message (exactly once, same transaction).
        _enqueue_reminder_messages(month, lo, hi, min(new_reminders) - 1, {s.scheme_id: s for s in schemes})
    return counts


def _birth_cutoff(month: dt.date, age: int) -> dt.date:
    """Members born on or before this date are ``age`` or older on the first of ``month``."""
    try:
        return month.replace(year=month.year - age)
    except ValueError:  # pragma: no cover - month is always a 1st
        return month.replace(year=month.year - age, day=28)


def _terminate_aged(
    members: models.QuerySet[Membership], s: SchemeRules, month: dt.date, today: dt.date
) -> int:
    """The scheme's exit age (``SchemeVersion.exit_age``): membership ends at that age."""
    assert s.exit_age is not None
    aged = members.exclude(status=MembershipStatus.TERMINATED).filter(
        person__birth_date__lte=_birth_cutoff(month, s.exit_age)
    )
    _insert_select(
        MembershipStatusChange,
        {
            "membership": F("id"),
            "from_status": F("status"),
            "to_status": _text(MembershipStatus.TERMINATED),
            "on": _date(today),
            "reason": _text(StatusChangeReason.AGE_LIMIT),
            "cycle_month": _date(month),
        },
        aged,
    )
    # Django turns the join to the person table into ``id IN (SELECT …)`` for the UPDATE.
    return aged.update(
        status=MembershipStatus.TERMINATED,
        status_since=today,
        terminated_on=today,
        termination_reason=TerminationReason.AGE_LIMIT,
    )


def _update_status(
    members: models.QuerySet[Membership], s: SchemeRules, month: dt.date, today: dt.date
) -> int:
    """ACTIVE / ARREARS / LAPSED from paid_through and grace (``rules.status_for``), set-based."""
    new = _status_case(month, s.grace_months)
    stale = members.filter(status__in=_LIVE, paid_through__isnull=False).filter(~Q(status=new))
    _insert_select(
        MembershipStatusChange,
        {
            "membership": F("id"),
            "from_status": F("status"),
            "to_status": new,
            "on": _date(today),
            "reason": _text(StatusChangeReason.CYCLE),
            "cycle_month": _date(month),
        },
        stale,
    )
    return stale.update(status=new, status_since=today)


def _insert_reminders(members: models.QuerySet[Membership], s: SchemeRules, month: dt.date) -> list[int]:
    """Due reminder: paid through last month. Lapse warning: ``grace`` months unpaid (lapses next month).
    Returns the ids of the reminders inserted."""
    _active_from, arrears_from = rules.status_bounds(month, s.grace_months)
    due_month = add_months(month, -1)
    kind = Case(
        When(paid_through=arrears_from, then=_text(ReminderKind.LAPSE_WARNING)),
        default=_text(ReminderKind.DUE),
        output_field=models.CharField(),
    )
    wanted = members.filter(
        status=MembershipStatus.ARREARS, paid_through__in=sorted({due_month, arrears_from})
    )
    fresh = wanted.annotate(_kind=kind).filter(
        ~Exists(
            CycleReminder.objects.filter(
                cycle_month=month, membership_id=OuterRef("id"), kind=OuterRef("_kind")
            )
        )
    )
    return _insert_select_ids(
        CycleReminder,
        {
            "cycle_month": _date(month),
            "membership": F("id"),
            "kind": F("_kind"),
            "lpa_id": F("lpa_id"),
            "region_id": F("region_id"),
            "paid_through": F("paid_through"),
        },
        fresh,
    )


_FOLLOWUP_COLUMNS = (
    "cycle_month",
    "lpa",
    "region_id",
    "officer",
    "membership",
    "risk_score",
    "months_in_arrears",
    "months_paid_last_12",
    "reason",
)


def _insert_followups(
    members: models.QuerySet[Membership], s: SchemeRules, month: dt.date, lo: int, hi: int
) -> int:
    """The officer's visit list: members in grace and members who lapsed in the last 3 months, ranked by
    ``rules.risk_score`` (same formula, in SQL).

    One statement: the target members (ids ``lo`` ≤ id < ``hi``), the chunk's payments aggregated
    once and joined (months paid by payments of the last 12 months, and the collector of the latest
    collected payment by a window function), the score computed per row."""
    grace = s.grace_months
    _active_from, arrears_from = rules.status_bounds(month, grace)
    target = members.filter(
        Q(status=MembershipStatus.ARREARS)
        | Q(status=MembershipStatus.LAPSED, paid_through__gte=add_months(arrears_from, -3))
    )
    month_idx = month.year * 12 + month.month
    reason = Case(
        When(status=MembershipStatus.LAPSED, then=_text(FollowUpReason.LAPSED)),
        When(paid_through=arrears_from, then=_text(FollowUpReason.LAPSE_WARNING)),
        When(paid_through=add_months(month, -1), then=_text(FollowUpReason.DUE)),
        default=_text(FollowUpReason.ARREARS),
        output_field=models.CharField(),
    )
    columns = {
        "id": F("id"),
        "lpa_id": F("lpa_id"),
        "region_id": F("region_id"),
        "unpaid": Value(month_idx) - _month_index("paid_through"),
        "reason": reason,
    }
    target_sql, target_params = _select_sql(target, columns)
    qn = connection.ops.quote_name
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    payment = qn(Payment._meta.db_table)
    # Target columns are _c0.. in the order of ``columns``: id, lpa_id, region_id, unpaid, reason.
    # Derived tables (no CTE, which PostgreSQL would materialise without statistics): the chunk's
    # payments aggregated once per member, hash- or index-joined to the target members.
    sql = f"""
        INSERT INTO {_target(FollowUpItem, _FOLLOWUP_COLUMNS)}
        SELECT %s, t._c1, t._c2, a.officer, t._c0,
               {least}(
                   {least}(t._c3, %s) * %s / %s
                   + (12 - {least}(COALESCE(a.paid12, 0), 12)) * %s,
                   100
               ),
               t._c3, COALESCE(a.paid12, 0), t._c4
        FROM ({target_sql}) t
        LEFT JOIN (
            SELECT membership_id,
                   SUM(CASE WHEN paid_on >= %s THEN months_covered ELSE 0 END) AS paid12,
                   MAX(CASE WHEN rn = 1 THEN collector_id END) AS officer
            FROM (
                SELECT membership_id, paid_on, months_covered, collector_id,
                       ROW_NUMBER() OVER (
                           PARTITION BY membership_id
                           ORDER BY CASE WHEN collector_id IS NULL THEN 1 ELSE 0 END, paid_on DESC, id DESC
                       ) AS rn
                FROM {payment}
                WHERE membership_id >= %s AND membership_id < %s
            ) p
            GROUP BY membership_id
        ) a ON a.membership_id = t._c0
    """
    params = (
        month,
        grace + 1,
        rules.RISK_PER_ARREARS_MONTH,
        max(grace + 1, 1),
        rules.RISK_PER_MISSING_PAYMENT,
        *target_params,
        add_months(month, -12),
        lo,
        hi,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


class _TrimChars(models.Func):
    """``TRIM(text, characters)``: the same two-argument form on SQLite and PostgreSQL."""

    function = "TRIM"
    output_field = models.CharField()


_DIGITS = "0123456789"
_MARK = "\x00member_number\x00"


def _phone_sql() -> tuple[Q, Case, Q]:
    """``notifications.rules.normalize_phone`` in SQL for numbers written with ASCII digits and ``+``
    only (the registry stores E.164, so that is every number it writes). Returns the condition that
    a number is written so, its E.164 expression, and the condition that it is valid (8-12 digits
    after +62, not starting with 0). Other spellings (spaces, dashes, non-ASCII digits...) are left
    to the Python rule; the two are compared on every prefix and length in the tests."""
    plain = Q(_plain="") & ~Q(_raw="")
    e164 = Case(
        When(_raw__startswith="+", then=F("_raw")),
        When(_raw__startswith="62", then=Concat(_text("+"), F("_raw"))),
        When(_raw__startswith="0", then=Concat(_text("+62"), Substr("_raw", 2))),
        default=Concat(_text("+62"), F("_raw")),
        output_field=models.CharField(),
    )
    valid = Q(_e164__startswith="+62", _e164_len__gte=11, _e164_len__lte=15, _e164_rest="") & ~Q(_e164_4="0")
    return plain, e164, valid


def _with_phone(reminders: models.QuerySet[CycleReminder]) -> models.QuerySet[CycleReminder]:
    return reminders.annotate(
        _raw=F("membership__person__phone"),
        _plain=_TrimChars("membership__person__phone", _text(_DIGITS + "+")),
    )


def _field_for(value: Any) -> models.Field[Any, Any]:
    return models.IntegerField() if isinstance(value, int) else models.CharField()


def _reminder_texts(month: dt.date, s: SchemeRules) -> dict[str, tuple[str, str, str, dict[str, Any]]]:
    """Per reminder kind: template, the text before and after the member number, and the context
    (member number marked). Rendered once per scheme by ``notifications.rules.render``, so the SQL
    only splices the member number in: the texts are exactly the ones ``render`` gives per row."""
    from askesos.notifications.rules import render

    lapse_on = add_months(rules.status_bounds(month, s.grace_months)[1], s.grace_months + 1)
    contexts = {
        ReminderKind.DUE: ("due_reminder", {"month": month, "amount": s.premium, "member_number": _MARK}),
        ReminderKind.LAPSE_WARNING: (
            "lapse_warning",
            {"member_number": _MARK, "months_unpaid": s.grace_months, "lapse_on": lapse_on.isoformat()},
        ),
    }
    texts = {}
    for kind, (template, context) in contexts.items():
        before, marked, after = render(template, context).partition(_MARK)
        if not marked or _MARK in after:  # pragma: no cover - a template change would need new SQL
            raise ValueError(f"{template}: the member number must appear exactly once")
        texts[str(kind)] = (template, before, after, context)
    return texts


def _enqueue_reminder_messages(
    month: dt.date, lo: int, hi: int, floor: int, schemes: dict[int, SchemeRules]
) -> int:
    """Queue the SMS for reminders this chunk created (in bulk, same transaction, so exactly once):
    one ``INSERT … SELECT`` with the texts rendered once per scheme and kind, plus a Python pass for
    the rare phone numbers written in a form the SQL does not normalise."""
    from askesos.notifications.models import Message

    new = CycleReminder.objects.filter(
        id__gt=floor, cycle_month=month, membership_id__gte=lo, membership_id__lt=hi
    )
    regular = Q(pk__in=[])  # the rows whose text is the scheme's and kind's (every row, by construction)
    template: list[When] = []
    before: list[When] = []
    after: list[When] = []
    context: list[When] = []
    for s in schemes.values():
        arrears_from = rules.status_bounds(month, s.grace_months)[1]
        for kind, (name, head, tail, ctx) in _reminder_texts(month, s).items():
            when = Q(membership__scheme_id=s.scheme_id, kind=kind)
            if kind == ReminderKind.LAPSE_WARNING:
                when &= Q(paid_through=arrears_from)  # the lapse date in the text is from paid_through
            regular |= when
            template.append(When(when, then=_text(name)))
            before.append(When(when, then=_text(head)))
            after.append(When(when, then=_text(tail)))
            context.append(
                When(
                    when,
                    then=JSONObject(
                        **{
                            k: F("membership__member_number")
                            if v == _MARK
                            else _text(v.isoformat())
                            if isinstance(v, dt.date)
                            else Value(v, output_field=_field_for(v))
                            for k, v in ctx.items()
                        }
                    ),
                )
            )
    plain, e164, valid = _phone_sql()
    rows = (
        _with_phone(new)
        .filter(plain, regular)
        .annotate(_e164=e164)
        .annotate(
            _e164_len=Length("_e164"),
            _e164_rest=_TrimChars(Substr("_e164", 2), _text(_DIGITS)),
            _e164_4=Substr("_e164", 4, 1),
        )
        .filter(valid)
    )
    now = models.Value(timezone.now(), output_field=models.DateTimeField())
    char = models.CharField()
    inserted = _insert_select(
        Message,
        {
            "channel": _text("sms"),
            "to": F("_e164"),
            "body": Concat(
                Case(*before, output_field=char),
                F("membership__member_number"),
                Case(*after, output_field=char),
                output_field=char,
            ),
            "template": Case(*template, output_field=char),
            "context": Case(*context, output_field=models.JSONField()),
            "status": _text("queued"),
            "attempts": Value(0),
            "next_attempt_at": now,
            "last_error": _text(""),
            "provider_message_id": _text(""),
            "related_type": _text("contributions.cyclereminder"),
            "related_id": Cast("id", output_field=char),
            "lpa_id": F("lpa_id"),
            "region_id": F("region_id"),
            "created_at": now,
        },
        rows,
    )
    odd = _with_phone(new).exclude(_raw="").filter(~plain | ~regular)  # type: ignore[misc]
    return inserted + _enqueue_in_python(odd, month, schemes)


def _enqueue_in_python(
    reminders: models.QuerySet[CycleReminder], month: dt.date, schemes: dict[int, SchemeRules]
) -> int:
    """The row-by-row path (``notifications.rules`` in Python) for numbers the SQL leaves out."""
    from askesos.notifications.models import Message
    from askesos.notifications.rules import normalize_phone, render

    rows = reminders.values_list(
        "id",
        "kind",
        "paid_through",
        "lpa_id",
        "region_id",
        "membership__member_number",
        "membership__person__phone",
        "membership__scheme_id",
    )
    now = timezone.now()
    messages = []
    for rid, kind, paid_through, lpa_id, region_id, number, phone, scheme_id in rows.iterator(
        chunk_size=5000
    ):
        if not phone:
            continue
        s = schemes[scheme_id]
        if kind == ReminderKind.DUE:
            template, context = "due_reminder", {"month": month, "amount": s.premium, "member_number": number}
        else:
            lapse_on = add_months(paid_through, s.grace_months + 1)
            template, context = (
                "lapse_warning",
                {"member_number": number, "months_unpaid": s.grace_months, "lapse_on": lapse_on.isoformat()},
            )
        try:
            to = normalize_phone(phone)
        except Exception:  # a bad number in the registry must not stop the cycle
            continue
        messages.append(
            Message(
                channel="sms",
                to=to,
                body=render(template, context),
                template=template,
                context={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in context.items()},
                related_type="contributions.cyclereminder",
                related_id=str(rid),
                lpa_id=lpa_id,
                region_id=region_id,
                next_attempt_at=now,
                created_at=now,
            )
        )
    Message.objects.bulk_create(messages, batch_size=2000)
    return len(messages)


def cycle_run(
    *,
    month: dt.date,
    today: dt.date,
    actor: Any = None,
    chunk_size: int = DEFAULT_CHUNK,
    stop_after_chunks: int | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> CycleRun:
    """Run the monthly cycle for ``month`` (statuses as of that month). Resumes an unfinished run of the
    same month from its last committed chunk; a run after a finished one starts again and changes
    nothing that is already right. ``stop_after_chunks`` simulates a crash (tests)."""
    month = month_start(month)
    schemes = _scheme_rules(month)
    run = CycleRun.objects.filter(month=month, status=CycleRun.Status.RUNNING).first()
    if run is None:
        bounds = Membership.objects.aggregate(low=models.Min("id"), high=models.Max("id"))
        run = CycleRun.objects.create(
            month=month,
            today=today,
            last_id=(bounds["low"] or 1) - 1,
            max_id=bounds["high"] or 0,
            started_at=timezone.now(),
            actor_label=str(getattr(actor, "username", "") or "system"),
            counts={"terminated_age": 0, "status_changes": 0, "reminders": 0, "followups": 0, "chunks": 0},
        )
    today = run.today
    lo = run.last_id + 1
    done = 0
    while lo <= run.max_id:
        if stop_after_chunks is not None and done >= stop_after_chunks:
            raise CycleInterrupted(f"stopped after {done} chunks (test hook)")
        hi = lo + chunk_size
        with transaction.atomic():
            counts = cycle_chunk(lo=lo, hi=hi, month=month, today=today, schemes=schemes)
            for key, value in counts.items():
                run.counts[key] = run.counts.get(key, 0) + value
            run.counts["chunks"] = run.counts.get("chunks", 0) + 1
            run.last_id = hi - 1
            CycleRun.objects.filter(pk=run.pk).update(last_id=run.last_id, counts=run.counts)
        if on_chunk:
            on_chunk(lo, hi)
        done += 1
        lo = hi
    with transaction.atomic():
        run.status, run.finished_at = CycleRun.Status.DONE, timezone.now()
        CycleRun.objects.filter(pk=run.pk).update(status=run.status, finished_at=run.finished_at)
        audit_record(actor=actor, action="cycle.run", obj=run, new={"month": month, **run.counts})
    logger.info("cycle %s done: %s", month, run.counts)
    return run
