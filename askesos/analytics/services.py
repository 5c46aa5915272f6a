"""Writes: the monthly rollups (coverage, claims) and coverage targets."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Case, Count, DateTimeField, F, Func, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from askesos.analytics.models import (
    CITY_SPAN,
    COUNT_COLUMNS,
    CityCoverageRollup,
    ClaimRollup,
    CoverageRollup,
    CoverageTarget,
)
from askesos.audit.services import audit_record
from askesos.core.access import region_in_scope
from askesos.core.errors import DomainError
from askesos.core.months import add_months, month_start
from askesos.regions.models import Region

logger = logging.getLogger(__name__)


def _positional(sql: str, named: dict[str, Any]) -> tuple[str, list[Any]]:
    """``%(name)s`` placeholders to ``%s`` with their values in order, so ORM-compiled SQL (which
    is positional) can be embedded."""
    params: list[Any] = []

    def one(match: re.Match[str]) -> str:
        params.append(named[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", one, sql), params


def _payments_by_cell(month: dt.date, nxt: dt.date) -> tuple[str, list[Any]]:
    """The month's payments per (kelurahan key, LPA): count, amount and how many were recorded more
    than ``PAYMENT_LATE_DAYS`` after they were paid, compiled by the ORM with the very expression
    the raw indicator uses (the local date of ``recorded_at`` in the current time zone)."""
    from askesos.analytics.indicators import PAYMENT_LATE_DAYS, payment_recorded_late
    from askesos.contributions.models import Payment

    late: Any = Count("id", filter=payment_recorded_late())
    if connection.vendor == "sqlite":
        # SQLite converts time zones in Python, row by row (~25 µs a payment). Decide in native SQL
        # whatever no UTC offset (-12:00 … +14:00) can change: recorded before the first possible
        # local midnight of paid_on + 8 days is on time, after the last possible one is late.
        def bound(hours: str) -> Func:
            return Func(
                F("paid_on"),
                Value(f"+{PAYMENT_LATE_DAYS + 1} days"),
                Value(hours),
                function="datetime",
                output_field=DateTimeField(),
            )

        late = Sum(
            Case(
                When(recorded_at__lt=bound("-14 hours"), then=Value(0)),
                When(recorded_at__gte=bound("+12 hours"), then=Value(1)),
                When(payment_recorded_late(), then=Value(1)),
                default=Value(0),
            )
        )
    qs = (
        Payment.objects.filter(paid_on__gte=month, paid_on__lt=nxt)
        .values(r=F("region_id"), l=F("lpa_id"))
        .annotate(n=Count("id"), amount=Sum("amount"), late=late)
        .order_by()
    )
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _coverage_sql(month: dt.date, nxt: dt.date) -> tuple[str, list[Any]]:
    from askesos.contributions.models import MembershipStatusChange
    from askesos.membership.models import Membership

    qn = connection.ops.quote_name
    m, c = Membership._meta.db_table, MembershipStatusChange._meta.db_table
    on = qn("on")
    # Status at the end of the month: terminated by then; else the last status change before the
    # next month; else (no change yet) the status the first later change started from; else today's.
    status = f"""
        CASE WHEN m.terminated_on IS NOT NULL AND m.terminated_on < %(next)s THEN 'terminated'
        ELSE COALESCE(
            (SELECT c.to_status FROM {c} c WHERE c.membership_id = m.id AND c.{on} < %(next)s
             ORDER BY c.{on} DESC, c.id DESC LIMIT 1),
            (SELECT c.from_status FROM {c} c WHERE c.membership_id = m.id AND c.{on} >= %(next)s
             ORDER BY c.{on}, c.id LIMIT 1),
            m.status)
        END"""
    target = CoverageRollup._meta.db_table
    members, params = _positional(
        f"""
        INSERT INTO {target} (month, region_id, lpa_id, members_pending, members_active, members_arrears,
            members_lapsed, new_enrolments, terminations, payments_count, premiums_collected, payments_late)
        SELECT %(month)s, u.region_id, u.lpa_id,
            SUM(CASE WHEN u.st = 'pending' THEN 1 ELSE 0 END),
            SUM(CASE WHEN u.st = 'active' THEN 1 ELSE 0 END),
            SUM(CASE WHEN u.st = 'arrears' THEN 1 ELSE 0 END),
            SUM(CASE WHEN u.st = 'lapsed' THEN 1 ELSE 0 END),
            SUM(u.new), SUM(u.term), SUM(u.pays), SUM(u.amount), SUM(u.late)
        FROM (
            SELECT m.region_id AS region_id, m.lpa_id AS lpa_id, {status} AS st,
                CASE WHEN m.enrolled_on >= %(month)s THEN 1 ELSE 0 END AS new,
                CASE WHEN m.terminated_on >= %(month)s AND m.terminated_on < %(next)s
                    THEN 1 ELSE 0 END AS term,
                0 AS pays, 0 AS amount, 0 AS late
            FROM {m} m WHERE m.enrolled_on < %(next)s
            UNION ALL
            SELECT p.r, p.l, NULL, 0, 0, p.n, p.amount, p.late FROM (""",
        {"month": month, "next": nxt},
    )
    payments, pay_params = _payments_by_cell(month, nxt)
    return f"{members}{payments}) p\n        ) u\n        GROUP BY u.region_id, u.lpa_id", params + pay_params


def _city_sql(month: dt.date) -> tuple[str, list[Any]]:
    """The month's coverage rollup summed per city key and LPA."""
    counts = list(COUNT_COLUMNS)
    city = f"region_id / {CITY_SPAN} * {CITY_SPAN}"
    return (
        f"""
        INSERT INTO {CityCoverageRollup._meta.db_table} (month, region_id, lpa_id, {", ".join(counts)})
        SELECT month, {city}, lpa_id, {", ".join(f"SUM({c})" for c in counts)}
        FROM {CoverageRollup._meta.db_table} WHERE month = %s
        GROUP BY month, {city}, lpa_id""",
        [month],
    )


def _days_between(later: str, earlier: str) -> str:
    """Whole days from the date ``earlier`` to the date ``later`` (both SQL expressions)."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _claims_sql(month: dt.date, nxt: dt.date) -> tuple[str, list[Any]]:
    """The month's paid claims per (kelurahan key, LPA, turnaround days): the ORM groups by payment
    date and the local date of submission (``TruncDate`` in the current time zone, as the raw
    indicator's ``timezone.localtime``), the outer query turns the two dates into days."""
    from askesos.analytics.indicators import claim_paid_unverified
    from askesos.claims.models import Claim

    inner = (
        Claim.objects.filter(paid_on__gte=month, paid_on__lt=nxt)
        .values(r=F("region_id"), l=F("lpa_id"), paid=F("paid_on"), submitted=TruncDate("submitted_at"))
        .annotate(n=Count("id"), unverified=Count("id", filter=claim_paid_unverified()))
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    days = _days_between("q.paid", "q.submitted")
    target = ClaimRollup._meta.db_table
    return (
        f"""
        INSERT INTO {target} (month, region_id, lpa_id, turnaround_days, claims_paid, claims_paid_unverified)
        SELECT %s, q.r, q.l, {days}, SUM(q.n), SUM(q.unverified)
        FROM ({sql}) q
        GROUP BY q.r, q.l, {days}""",
        [month, *params],
    )


def rollups_refresh(*, month: dt.date) -> int:
    """Rebuild the rollups of ``month``: coverage (memberships, status changes, payments; per
    kelurahan and per city) and paid claims. Returns the (kelurahan) coverage rows written.

    Set-based and idempotent: per rollup one DELETE and one INSERT … SELECT … GROUP BY, all in one
    transaction, so readers see the old month or the new one, never half. A membership counts in the
    kelurahan and LPA it was enrolled in (``Membership.region_id``/``lpa_id``) with its status at the
    end of the month; payments and claims in their own ``region_id``/``lpa_id`` (architecture.md:
    dashboards read rollups; the monthly cycle calls this).
    """
    month = month_start(month)
    nxt = add_months(month, 1)
    claims = apps.is_installed("askesos.claims")
    with transaction.atomic(), connection.cursor() as cursor:
        CoverageRollup.objects.filter(month=month).delete()
        cursor.execute(*_coverage_sql(month, nxt))
        written = CoverageRollup.objects.filter(month=month).count()
        CityCoverageRollup.objects.filter(month=month).delete()
        cursor.execute(*_city_sql(month))
        ClaimRollup.objects.filter(month=month).delete()
        if claims:
            cursor.execute(*_claims_sql(month, nxt))
        claim_rows = ClaimRollup.objects.filter(month=month).count()
    logger.info("rollups %s: %s coverage rows, %s claim rows", month, written, claim_rows)
    return written


def rollup_months_available() -> tuple[dt.date | None, dt.date | None]:
    """First enrolment month and the last payment or enrolment month: the range a backfill covers."""
    from django.db.models import Max, Min

    from askesos.contributions.models import Payment
    from askesos.membership.models import Membership

    agg = Membership.objects.aggregate(first=Min("enrolled_on"), last=Max("enrolled_on"))
    last_pay = Payment.objects.aggregate(last=Max("paid_on"))["last"]
    first = agg["first"]
    last = max([d for d in (agg["last"], last_pay) if d is not None], default=None)
    return (month_start(first) if first else None, month_start(last) if last else None)


def rollups_backfill(*, until: dt.date) -> list[tuple[dt.date, int]]:
    """Refresh every month from the first enrolment up to ``until`` (inclusive)."""
    first, _last = rollup_months_available()
    done: list[tuple[dt.date, int]] = []
    month = first
    while month is not None and month <= month_start(until):
        done.append((month, rollups_refresh(month=month)))
        month = add_months(month, 1)
    return done


def coverage_target_set(
    *,
    actor: Any,
    region: Region,
    year: int,
    target_percent: Decimal | None,
    target_count: int | None,
    note: str = "",
) -> CoverageTarget:
    """Set (or replace) the coverage target of an area and year; audited. The area must be in the
    actor's region scope."""
    if target_percent is None and target_count is None:
        raise DomainError(_("Give a target percentage or a target member count."), code="target_empty")
    if target_percent is not None and not (Decimal(0) < target_percent <= Decimal(100)):
        raise DomainError(_("The target percentage must be above 0 and at most 100."), code="target_range")
    if actor is not None and not region_in_scope(actor, region.id):
        raise DomainError(_("This area is outside your scope."), code="out_of_scope")
    with transaction.atomic():
        old = CoverageTarget.objects.filter(region=region, year=year).first()
        target, _created = CoverageTarget.objects.update_or_create(
            region=region,
            year=year,
            defaults={
                "target_percent": target_percent,
                "target_count": target_count,
                "note": note,
                "set_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        audit_record(
            actor=actor,
            action="coverage_target.set",
            obj=target,
            old=None if old is None else {"percent": old.target_percent, "count": old.target_count},
            new={"percent": target_percent, "count": target_count, "year": year},
            region_id=region.id,
        )
    return target
