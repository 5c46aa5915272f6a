"""Writes: the monthly coverage rollups and coverage targets."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from askesos.analytics.models import CoverageRollup, CoverageTarget
from askesos.audit.services import audit_record
from askesos.core.access import region_in_scope
from askesos.core.errors import DomainError
from askesos.core.months import add_months, month_start
from askesos.regions.models import Region

logger = logging.getLogger(__name__)


def _rollup_sql() -> str:
    from askesos.contributions.models import MembershipStatusChange, Payment
    from askesos.membership.models import Membership

    qn = connection.ops.quote_name
    m, p, c = Membership._meta.db_table, Payment._meta.db_table, MembershipStatusChange._meta.db_table
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
    return f"""
        INSERT INTO {target} (month, region_id, lpa_id, members_pending, members_active, members_arrears,
            members_lapsed, new_enrolments, terminations, payments_count, premiums_collected)
        SELECT %(month)s, u.region_id, u.lpa_id,
            SUM(CASE WHEN u.st = 'pending' THEN 1 ELSE 0 END),
            SUM(CASE WHEN u.st = 'active' THEN 1 ELSE 0 END),
            SUM(CASE WHEN u.st = 'arrears' THEN 1 ELSE 0 END),
            SUM(CASE WHEN u.st = 'lapsed' THEN 1 ELSE 0 END),
            SUM(u.new), SUM(u.term), SUM(u.pays), SUM(u.amount)
        FROM (
            SELECT m.region_id AS region_id, m.lpa_id AS lpa_id, {status} AS st,
                CASE WHEN m.enrolled_on >= %(month)s THEN 1 ELSE 0 END AS new,
                CASE WHEN m.terminated_on >= %(month)s AND m.terminated_on < %(next)s
                    THEN 1 ELSE 0 END AS term,
                0 AS pays, 0 AS amount
            FROM {m} m WHERE m.enrolled_on < %(next)s
            UNION ALL
            SELECT p.region_id, p.lpa_id, NULL, 0, 0, 1, p.amount
            FROM {p} p WHERE p.paid_on >= %(month)s AND p.paid_on < %(next)s
        ) u
        GROUP BY u.region_id, u.lpa_id"""


def rollups_refresh(*, month: dt.date) -> int:
    """Rebuild the coverage rollup of ``month`` from memberships, status changes and payments.

    Set-based and idempotent: one DELETE and one INSERT … SELECT … GROUP BY in one transaction, so
    readers see the old month or the new one, never half. A membership counts in the kelurahan and
    LPA it was enrolled in (``Membership.region_id``/``lpa_id``) with its status at the end of the
    month (architecture.md: dashboards read rollups; the monthly cycle calls this). Returns rows written.
    """
    month = month_start(month)
    params = {"month": month, "next": add_months(month, 1)}
    with transaction.atomic(), connection.cursor() as cursor:
        CoverageRollup.objects.filter(month=month).delete()
        cursor.execute(_rollup_sql(), params)
        written = CoverageRollup.objects.filter(month=month).count()
    logger.info("coverage rollup %s: %s rows", month, written)
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
