"""Pure bookkeeping rules of the LPA fund (no ORM): the chart of accounts, what makes a posting
valid, and the ratios on the fund dashboard.

The chart follows the money of PROGRAM.md §1 and §2: the Rp 30,000,000 seed grant is the LPA's capital,
premiums come from members and third parties (APBN/APBD/CSR), claims, officer honoraria (§4) and
running costs go out, and cash sits with officers, at the LPA or in the bank.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from askesos.core.errors import DomainError

CASH_OFFICERS = "1100"
CASH_LPA = "1110"
BANK = "1200"
SEED_CAPITAL = "3100"
PREMIUM_INCOME = "4100"
THIRD_PARTY_INCOME = "4200"
CLAIMS_PAID = "5100"
HONORARIA = "5200"
ADMIN_COSTS = "5300"


@dataclass(frozen=True)
class ChartAccount:
    code: str
    name: str
    type: str
    normal_side: str


CHART: tuple[ChartAccount, ...] = (
    ChartAccount(CASH_OFFICERS, gettext_noop("Cash held by field officers"), "asset", "debit"),
    ChartAccount(CASH_LPA, gettext_noop("Cash at the LPA"), "asset", "debit"),
    ChartAccount(BANK, gettext_noop("Bank"), "asset", "debit"),
    ChartAccount(SEED_CAPITAL, gettext_noop("Seed grant capital"), "equity", "credit"),
    ChartAccount(PREMIUM_INCOME, gettext_noop("Premium income"), "income", "credit"),
    ChartAccount(
        THIRD_PARTY_INCOME, gettext_noop("Third-party contributions (APBN/APBD/CSR)"), "income", "credit"
    ),
    ChartAccount(CLAIMS_PAID, gettext_noop("Claims paid"), "expense", "debit"),
    ChartAccount(HONORARIA, gettext_noop("Field officer honoraria"), "expense", "debit"),
    ChartAccount(ADMIN_COSTS, gettext_noop("Administrative costs"), "expense", "debit"),
)
CHART_CODES = frozenset(a.code for a in CHART)
CASH_ACCOUNTS = (CASH_OFFICERS, CASH_LPA, BANK)
INCOME_ACCOUNTS = (PREMIUM_INCOME, THIRD_PARTY_INCOME)
EXPENSE_ACCOUNTS = (CLAIMS_PAID, HONORARIA, ADMIN_COSTS)

Line = tuple[str, int, int]


def validate_lines(lines: list[Line], *, known_codes: frozenset[str] = CHART_CODES) -> list[Line]:
    """A posting is valid when it has at least two lines, each line is a whole, non-negative number of
    rupiah on exactly one side of a known account, and total debits equal total credits (double entry).

    Returns the lines as plain ``(str, int, int)`` tuples; raises ``DomainError`` otherwise
    (code ``unbalanced`` when only the totals disagree).
    """
    clean: list[Line] = []
    for code, debit, credit in lines:
        if str(code) not in known_codes:
            raise DomainError(_("Unknown account %(code)s.") % {"code": code}, code="unknown_account")
        if (
            isinstance(debit, bool)
            or isinstance(credit, bool)
            or not (isinstance(debit, int) and isinstance(credit, int))
        ):
            raise DomainError(_("Amounts must be whole rupiah."), code="invalid_amount")
        if debit < 0 or credit < 0 or (debit == 0) == (credit == 0):
            raise DomainError(
                _("Each line must have a positive debit or a positive credit, not both."), code="invalid_line"
            )
        clean.append((str(code), int(debit), int(credit)))
    if len(clean) < 2:
        raise DomainError(_("A journal entry needs at least two lines."), code="too_few_lines")
    debits = sum(d for _c, d, _k in clean)
    credits = sum(k for _c, _d, k in clean)
    if debits != credits:
        raise DomainError(
            _("Debits (%(debits)s) do not equal credits (%(credits)s).")
            % {"debits": debits, "credits": credits},
            code="unbalanced",
        )
    return clean


def fingerprint(lpa_id: int, lines: list[Line]) -> str:
    """Identifies what an entry posts (LPA and lines, order-insensitive) to tell a retried posting
    from a different posting that reuses an idempotency key."""
    text = f"{lpa_id}|" + ";".join(f"{c}:{d}:{k}" for c, d, k in sorted(lines))
    return hashlib.sha256(text.encode()).hexdigest()


def reversed_lines(lines: list[Line]) -> list[Line]:
    """A reversal swaps debits and credits: the two entries sum to nothing."""
    return [(code, credit, debit) for code, debit, credit in lines]


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """An exact ratio, or ``None`` when the denominator is zero (nothing to compare against)."""
    if denominator == 0:
        return None
    return Fraction(numerator, denominator)


def reserve_months(cash: int, claims_last_12_months: int) -> Fraction | None:
    """How many months of average claims the fund's cash would pay: cash / (claims of the last
    12 months / 12). ``None`` means no claims yet (an unbounded reserve)."""
    if claims_last_12_months <= 0:
        return None
    return Fraction(cash * 12, claims_last_12_months)
