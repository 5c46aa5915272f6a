"""What each role may do: one explicit table.

A view or service asks ``has_capability(user, Capability.X)``; a missing capability is a 403.
Which *rows* a user may touch is a separate question, answered by ``core.access`` (404 outside
scope). Capabilities are added here as capabilities land, never as numeric codes or ad-hoc checks.
"""

from __future__ import annotations

from django.db import models

from askesos.accounts.models import Role


class Capability(models.TextChoices):
    VIEW_REGIONS = "regions.view"
    EDIT_WORKFORCE = "regions.edit_workforce"
    VIEW_AUDIT = "audit.view"
    VIEW_LPAS = "lpa.view"
    MANAGE_LPAS = "lpa.manage"  # propose / edit LPAs
    VERIFY_LPAS = "lpa.verify"  # Dinas Sosial verifies, activates, suspends, closes
    MANAGE_OFFICERS = "lpa.manage_officers"
    EDIT_OWN_LPA = "lpa.edit_own_profile"  # an LPA manager edits their own LPA's profile (never its status)
    VIEW_REGISTRY = "registry.view"
    EDIT_REGISTRY = "registry.edit"
    VIEW_NIK = "registry.view_nik"  # see full NIKs where others see them masked
    IMPORT_MEMBERS = "registry.import"
    REVIEW_DUPLICATES = "registry.review_duplicates"
    ENROL = "membership.enrol"
    VIEW_MEMBERS = "membership.view"
    MANAGE_SCHEMES = "schemes.manage"
    VIEW_SCHEMES = "schemes.view"
    MANAGE_USERS = "accounts.manage_users"
    VIEW_CONTRIBUTIONS = "contributions.view"
    RECORD_PAYMENT = "contributions.record_payment"
    SUBMIT_DEPOSIT = "contributions.submit_deposit"  # a field officer hands cash to the LPA
    CONFIRM_DEPOSIT = "contributions.confirm_deposit"  # the LPA manager confirms or disputes it
    RECORD_THIRD_PARTY = "contributions.record_third_party"  # APBN/APBD/CSR batch payments
    RUN_CYCLE = "contributions.run_cycle"
    VIEW_FUND = "fund.view"
    MANAGE_FUND = "fund.manage"  # an LPA records its own expenses and reversals
    VIEW_OUTBOX = "notifications.view_outbox"
    VIEW_OUTREACH = "outreach.view"  # outreach events, leads, funnel, coverage
    MANAGE_OUTREACH = "outreach.manage"  # record events, capture and follow up leads
    VIEW_WORKFORCE = "workforce.view"  # training needs, officer KPIs, honoraria, facilities
    MANAGE_TRAINING = "workforce.manage_training"
    MANAGE_HONORARIUM = "workforce.manage_honorarium"  # compute, approve, pay officers' honoraria
    MANAGE_FACILITIES = "workforce.manage_facilities"  # vehicles, equipment, maintenance
    USE_API = "api.use"  # hold personal API tokens (REST API, field-device sync)
    VIEW_CLAIMS = "claims.view"
    INTAKE_CLAIMS = "claims.intake"  # report a claim, upload its documents, resubmit it
    VERIFY_CLAIMS = "claims.verify"  # the LPA checks (and, up to the threshold, approves) a claim
    APPROVE_CLAIMS = "claims.approve"  # Dinas Sosial approves claims above the scheme's threshold
    PAY_CLAIMS = "claims.pay"  # the LPA records the payout from its fund
    VIEW_COVERAGE = "analytics.view_coverage"  # coverage dashboards, indicators
    MANAGE_TARGETS = "analytics.manage_targets"  # coverage targets per area
    VIEW_SCORECARD = "analytics.view_scorecard"  # implementation scorecard per city / LPA
    VIEW_EVALUATION = "evaluation.view"  # survey rounds and their scores
    MANAGE_SURVEYS = "evaluation.manage"  # create rounds, enter and import responses
    VIEW_REPORTS = "reports.view"  # download standard reports in scope
    GENERATE_REPORTS = "reports.generate"  # generate standard reports on demand


_READ = {
    Capability.VIEW_REGIONS,
    Capability.VIEW_LPAS,
    Capability.VIEW_REGISTRY,
    Capability.VIEW_SCHEMES,
    Capability.VIEW_MEMBERS,
    Capability.USE_API,
}

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.KEMENSOS_ADMIN: frozenset(
        _READ
        | {
            Capability.EDIT_WORKFORCE,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_LPAS,
            Capability.VERIFY_LPAS,
            Capability.MANAGE_SCHEMES,
            Capability.MANAGE_USERS,
            Capability.REVIEW_DUPLICATES,
            Capability.VIEW_NIK,
            Capability.VIEW_CONTRIBUTIONS,
            Capability.RECORD_THIRD_PARTY,
            Capability.RUN_CYCLE,
            Capability.VIEW_FUND,
            Capability.VIEW_OUTBOX,
        }
    ),
    Role.DINSOS_OFFICER: frozenset(
        _READ
        | {
            Capability.EDIT_WORKFORCE,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_LPAS,
            Capability.VERIFY_LPAS,
            Capability.REVIEW_DUPLICATES,
            Capability.VIEW_NIK,
            Capability.VIEW_CONTRIBUTIONS,
            Capability.RECORD_THIRD_PARTY,
            Capability.VIEW_FUND,
            Capability.VIEW_OUTBOX,
        }
    ),
    Role.LPA_MANAGER: frozenset(
        _READ
        | {
            Capability.MANAGE_OFFICERS,
            Capability.EDIT_OWN_LPA,
            Capability.EDIT_REGISTRY,
            Capability.IMPORT_MEMBERS,
            Capability.REVIEW_DUPLICATES,
            Capability.ENROL,
            Capability.VIEW_NIK,
            Capability.VIEW_CONTRIBUTIONS,
            Capability.RECORD_PAYMENT,
            Capability.CONFIRM_DEPOSIT,
            Capability.RECORD_THIRD_PARTY,
            Capability.VIEW_FUND,
            Capability.MANAGE_FUND,
            Capability.VIEW_OUTBOX,
        }
    ),
    Role.FIELD_OFFICER: frozenset(
        {
            Capability.VIEW_REGISTRY,
            Capability.EDIT_REGISTRY,
            Capability.ENROL,
            Capability.VIEW_SCHEMES,
            Capability.VIEW_NIK,
            Capability.VIEW_CONTRIBUTIONS,
            Capability.RECORD_PAYMENT,
            Capability.SUBMIT_DEPOSIT,
            Capability.VIEW_MEMBERS,
            Capability.USE_API,
        }
    ),
    Role.AUDITOR: frozenset(
        _READ | {Capability.VIEW_AUDIT, Capability.VIEW_CONTRIBUTIONS, Capability.VIEW_FUND}
    ),
    Role.MEMBER: frozenset(),
}


def _grant(role: str, *capabilities: Capability) -> None:
    CAPABILITIES[role] = CAPABILITIES[role] | frozenset(capabilities)


# Outreach and field workforce (outreach/, workforce/): Dinas Sosial also socialises the program
# (PROGRAM.md §1); field officers record events and follow up leads.
_grant(Role.KEMENSOS_ADMIN, Capability.VIEW_OUTREACH, Capability.VIEW_WORKFORCE, Capability.MANAGE_TRAINING)
_grant(
    Role.DINSOS_OFFICER,
    Capability.VIEW_OUTREACH,
    Capability.MANAGE_OUTREACH,
    Capability.VIEW_WORKFORCE,
    Capability.MANAGE_TRAINING,
)
_grant(
    Role.LPA_MANAGER,
    Capability.VIEW_OUTREACH,
    Capability.MANAGE_OUTREACH,
    Capability.VIEW_WORKFORCE,
    Capability.MANAGE_TRAINING,
    Capability.MANAGE_HONORARIUM,
    Capability.MANAGE_FACILITIES,
)
_grant(Role.FIELD_OFFICER, Capability.VIEW_OUTREACH, Capability.MANAGE_OUTREACH)
_grant(Role.AUDITOR, Capability.VIEW_OUTREACH, Capability.VIEW_WORKFORCE)

# Benefit claims (claims/): officers take claims in; the LPA verifies and pays from its fund;
# Dinas Sosial approves claims above the scheme's approval threshold; auditors read.
_grant(Role.KEMENSOS_ADMIN, Capability.VIEW_CLAIMS)
_grant(Role.DINSOS_OFFICER, Capability.VIEW_CLAIMS, Capability.APPROVE_CLAIMS)
_grant(
    Role.LPA_MANAGER,
    Capability.VIEW_CLAIMS,
    Capability.INTAKE_CLAIMS,
    Capability.VERIFY_CLAIMS,
    Capability.PAY_CLAIMS,
)
_grant(Role.FIELD_OFFICER, Capability.VIEW_CLAIMS, Capability.INTAKE_CLAIMS)
_grant(Role.AUDITOR, Capability.VIEW_CLAIMS)

# Coverage, implementation evaluation and reports (analytics/, evaluation/, reports/): Kemensos and
# Dinas Sosial steer the program with them (monev); LPAs see their own scorecard and reports.
_MONITOR = (
    Capability.VIEW_COVERAGE,
    Capability.VIEW_SCORECARD,
    Capability.VIEW_EVALUATION,
    Capability.VIEW_REPORTS,
)
_grant(
    Role.KEMENSOS_ADMIN,
    *_MONITOR,
    Capability.MANAGE_TARGETS,
    Capability.MANAGE_SURVEYS,
    Capability.GENERATE_REPORTS,
)
_grant(
    Role.DINSOS_OFFICER,
    *_MONITOR,
    Capability.MANAGE_TARGETS,
    Capability.MANAGE_SURVEYS,
    Capability.GENERATE_REPORTS,
)
_grant(Role.LPA_MANAGER, *_MONITOR, Capability.GENERATE_REPORTS)
_grant(Role.AUDITOR, *_MONITOR)


def has_capability(user: object, capability: Capability) -> bool:
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or role is None:
        return False
    return capability in CAPABILITIES.get(role, frozenset())
