"""Intake, documents, the transition table, approval routing, payout and its consequences."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from askesos.accounts.models import Role
from askesos.accounts.permissions import CAPABILITIES, Capability
from askesos.audit.models import AuditEvent
from askesos.claims import services
from askesos.claims.models import TRANSITIONS, Claim, ClaimPayee, ClaimStatus
from askesos.claims.tests.conftest import PDF, TODAY, pdf
from askesos.contributions.models import MembershipStatusChange
from askesos.core.errors import DomainError, TransitionError
from askesos.fund.models import JournalEntry
from askesos.membership.models import Membership
from askesos.notifications.models import Message

D = dt.date
S = ClaimStatus


def cash(claim: Claim, ref: str = "TRF-1") -> dict[int, services.Payout]:
    return {
        p.pk: services.Payout(reference=f"{ref}-{p.pk}", channel=p.channel, account_number=p.account_number)
        for p in claim.payees.all()
    }


# --- intake ---------------------------------------------------------------------------------------------


def test_it_judges_by_the_version_in_force_on_the_event_date(membership, submit):
    june = submit(membership, "sickness", event_date=D(2026, 6, 20), days=12)
    july = submit(membership, "sickness", event_date=D(2026, 7, 5), days=12)
    assert (june.amount, june.scheme_version.effective_from) == (300_000, D(2020, 1, 1))
    assert (july.amount, july.scheme_version.effective_from) == (400_000, D(2026, 7, 1))


def test_it_pays_hospital_days_up_to_the_cap_to_the_member(membership, submit):
    claim = submit(membership, "hospital", days=45)
    assert claim.amount == 1_500_000
    assert [(p.name, p.relation, p.share_bp, p.amount) for p in claim.payees.all()] == [
        (membership.person.full_name, "self", 10000, 1_500_000)
    ]
    assert (claim.claimant_name, claim.claimant_phone) == (membership.person.full_name, "+6281234567890")


def test_it_pays_death_benefits_to_the_heirs_by_share(membership, submit):
    claim = submit(membership, "death", days=None)
    assert [(p.share_bp, p.amount, p.channel) for p in claim.payees.all()] == [
        (6000, 1_200_000, "bank"),
        (4000, 800_000, "tunai"),
    ]
    assert claim.claimant_name == membership.person.heirs.order_by("id").first().full_name


def test_it_refuses_bad_intake(membership, officer, dinsos_jaktim, other_lpa_manager):
    kw: dict[str, Any] = {"membership": membership, "today": TODAY}
    cases = [
        (
            {"actor": officer, "claim_type": "sickness", "event_date": D(2026, 9, 16), "days": 12},
            "event_in_future",
        ),
        ({"actor": officer, "claim_type": "hospital", "event_date": D(2026, 9, 1)}, "days_required"),
        (
            {"actor": dinsos_jaktim, "claim_type": "sickness", "event_date": D(2026, 9, 1), "days": 12},
            "forbidden",
        ),
        (
            {"actor": other_lpa_manager, "claim_type": "sickness", "event_date": D(2026, 9, 1), "days": 12},
            "out_of_scope",
        ),
        (
            {
                "actor": officer,
                "claim_type": "sickness",
                "event_date": D(2026, 9, 1),
                "days": 12,
                "claimant_phone": "12",
            },
            "invalid_phone",
        ),
    ]
    for extra, code in cases:
        with pytest.raises(DomainError) as info:
            services.claim_submit(**kw, **extra)
        assert info.value.code == code
    membership.scheme.versions.get(effective_from=D(2026, 7, 1)).benefits.filter(
        claim_type="funeral"
    ).delete()
    with pytest.raises(DomainError) as info:
        services.claim_submit(actor=officer, claim_type="funeral", event_date=D(2026, 9, 1), **kw)
    assert info.value.code == "no_benefit"
    assert Claim.objects.count() == 0


def test_it_audits_and_notifies_intake(membership, submit, lpa_jt01):
    claim = submit(membership, "sickness", docs=False)
    event = AuditEvent.objects.get(action="claim.submit")
    assert (event.object_id, event.region_id, event.lpa_id) == (
        str(claim.pk),
        lpa_jt01.kelurahan_id,
        lpa_jt01.pk,
    )
    assert event.new is not None
    assert event.new["amount"] == 400_000
    message = Message.objects.get(template="claim_status")
    assert (message.to, message.related_id) == ("+6281234567890", str(claim.pk))
    assert message.body == f"Klaim ASKESOS {claim.number}: diterima dan sedang diperiksa."


# --- documents and checks -------------------------------------------------------------------------------


def test_it_stores_documents_by_content_and_reruns_the_checks(membership, submit, officer):
    claim = submit(membership, "sickness", docs=False)
    assert [c.code for c in claim.checks.all()] == ["documents_missing"]
    png = SimpleUploadedFile("ktp.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    first = services.claim_document_add(actor=officer, claim=claim, kind="ktp_member", upload=png)
    name = first.file.name or ""
    assert name.startswith(f"claims/{claim.pk}/ktp_member-")
    assert (first.content_type, name[-4:], first.original_name) == ("image/png", ".png", "ktp.pdf")
    assert claim.checks.get().params["codes"] == ["medical_letter"]
    services.claim_document_add(actor=officer, claim=claim, kind="medical_letter", upload=pdf())
    assert list(claim.checks.all()) == []
    assert AuditEvent.objects.filter(action="claim.document_add").count() == 2


@pytest.mark.parametrize(
    ("kind", "content", "code"),
    [
        ("medical_letter", b"MZ\x90\x00\x03\x00\x00\x00", "file_type"),
        ("medical_letter", b"<!doctype html><script>", "file_type"),
        ("death_certificate", PDF, "not_in_checklist"),
    ],
)
def test_it_refuses_other_files(membership, submit, officer, kind, content, code):
    claim = submit(membership, "sickness", docs=False)
    with pytest.raises(DomainError) as info:
        services.claim_document_add(
            actor=officer, claim=claim, kind=kind, upload=SimpleUploadedFile("x.pdf", content)
        )
    assert info.value.code == code
    assert claim.attachments.count() == 0


def test_it_refuses_oversize_documents(membership, submit, officer, settings):
    claim = submit(membership, "sickness", docs=False)
    settings.ASKESOS_MAX_UPLOAD_BYTES = len(PDF) - 1
    with pytest.raises(DomainError) as info:
        services.claim_document_add(actor=officer, claim=claim, kind="ktp_member", upload=pdf())
    assert info.value.code == "too_large"


def test_it_refuses_documents_once_verified(membership, submit, officer, lpa_manager):
    claim = submit(membership, "sickness")
    services.claim_verify(actor=lpa_manager, claim=claim, today=TODAY)
    with pytest.raises(TransitionError):
        services.claim_document_add(actor=officer, claim=claim, kind="ktp_member", upload=pdf())


# --- the transition table -------------------------------------------------------------------------------


def test_the_transition_table_is_exactly_this():
    assert {k: set(v) for k, v in TRANSITIONS.items()} == {
        "submitted": {"verified", "returned", "rejected"},
        "returned": {"submitted", "rejected"},
        "verified": {"approved", "returned", "rejected"},
        "approved": {"paid"},
        "paid": set(),
        "rejected": set(),
    }


@pytest.fixture
def put_in(make_membership, submit, officer, lpa_manager, dinsos_jaktim):
    """A hospital claim above the approval threshold (25 days = Rp 1,250,000) in the given status."""

    def make(status: str) -> Claim:
        claim = submit(make_membership(), "hospital", days=25)
        if status == S.RETURNED:
            services.claim_return(actor=lpa_manager, claim=claim, reason="KTP blurred", today=TODAY)
        if status in (S.VERIFIED, S.APPROVED, S.PAID):
            services.claim_verify(actor=lpa_manager, claim=claim, today=TODAY)
        if status in (S.APPROVED, S.PAID):
            services.claim_approve(actor=dinsos_jaktim, claim=claim, today=TODAY)
        if status == S.PAID:
            services.claim_pay(
                actor=lpa_manager, claim=claim, paid_on=TODAY, payouts=cash(claim), today=TODAY
            )
        if status == S.REJECTED:
            services.claim_reject(actor=lpa_manager, claim=claim, reason="not ours", today=TODAY)
        claim.refresh_from_db()
        assert claim.status == status
        return claim

    return make


ACTIONS = {
    "verify": ({S.SUBMITTED}, S.VERIFIED),
    "approve": ({S.VERIFIED}, S.APPROVED),
    "return": ({S.SUBMITTED, S.VERIFIED}, S.RETURNED),
    "resubmit": ({S.RETURNED}, S.SUBMITTED),
    "reject": ({S.SUBMITTED, S.RETURNED, S.VERIFIED}, S.REJECTED),
    "pay": ({S.APPROVED}, S.PAID),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("start", [s.value for s in S])
def test_each_transition_is_allowed_or_refused_by_the_table(
    put_in, officer, lpa_manager, dinsos_jaktim, action, start
):
    claim = put_in(start)
    decider = dinsos_jaktim if start == S.VERIFIED else lpa_manager
    calls = {
        "verify": lambda: services.claim_verify(actor=lpa_manager, claim=claim, today=TODAY),
        "approve": lambda: services.claim_approve(actor=dinsos_jaktim, claim=claim, today=TODAY),
        "return": lambda: services.claim_return(actor=decider, claim=claim, reason="x", today=TODAY),
        "resubmit": lambda: services.claim_resubmit(actor=officer, claim=claim, today=TODAY),
        "reject": lambda: services.claim_reject(actor=decider, claim=claim, reason="x", today=TODAY),
        "pay": lambda: services.claim_pay(
            actor=lpa_manager, claim=claim, paid_on=TODAY, payouts=cash(claim, "again"), today=TODAY
        ),
    }
    allowed, target = ACTIONS[action]
    if start in allowed:
        calls[action]()
        assert Claim.objects.get(pk=claim.pk).status == target
        assert target in TRANSITIONS[start]
    else:
        with pytest.raises(TransitionError):
            calls[action]()
        assert Claim.objects.get(pk=claim.pk).status == start


def test_it_loses_a_race_with_a_stale_copy(put_in, lpa_manager):
    claim = put_in(S.SUBMITTED)
    stale = Claim.objects.get(pk=claim.pk)
    services.claim_reject(actor=lpa_manager, claim=claim, reason="duplicate paper", today=TODAY)
    stale.status = S.SUBMITTED
    with pytest.raises(TransitionError) as info:
        services.claim_return(actor=lpa_manager, claim=stale, reason="x", today=TODAY)
    assert info.value.code == "conflict"


# --- approval routing ------------------------------------------------------------------------------------


def test_it_lets_the_lpa_verification_approve_at_or_below_the_threshold(membership, submit, lpa_manager):
    small = submit(membership, "hospital", days=20)  # Rp 1,000,000 = the threshold
    services.claim_verify(actor=lpa_manager, claim=small, today=TODAY)
    small.refresh_from_db()
    assert (small.status, small.approval_route, small.approved_by, small.verified_by) == (
        "approved",
        "lpa",
        lpa_manager,
        lpa_manager,
    )
    assert list(
        AuditEvent.objects.filter(object_id=str(small.pk)).values_list("action", flat=True).order_by("id")
    )[-2:] == ["claim.verify", "claim.approve"]


def test_it_sends_claims_above_the_threshold_to_dinas_sosial(membership, submit, lpa_manager, dinsos_jaktim):
    big = submit(membership, "hospital", days=21)  # Rp 1,050,000
    services.claim_verify(actor=lpa_manager, claim=big, today=TODAY)
    assert (big.status, big.approval_route) == ("verified", "")
    with pytest.raises(DomainError) as info:
        services.claim_approve(actor=lpa_manager, claim=big, today=TODAY)
    assert info.value.code == "forbidden"
    services.claim_approve(actor=dinsos_jaktim, claim=big, today=TODAY, note="ok")
    big.refresh_from_db()
    assert (big.status, big.approval_route, big.approved_by) == ("approved", "dinsos", dinsos_jaktim)


def test_the_approver_may_not_be_the_verifier(membership, submit, lpa_manager, monkeypatch):
    monkeypatch.setitem(
        CAPABILITIES, Role.LPA_MANAGER, CAPABILITIES[Role.LPA_MANAGER] | {Capability.APPROVE_CLAIMS}
    )
    big = submit(membership, "hospital", days=25)
    services.claim_verify(actor=lpa_manager, claim=big, today=TODAY)
    with pytest.raises(DomainError) as info:
        services.claim_approve(actor=lpa_manager, claim=big, today=TODAY)
    assert info.value.code == "same_person"
    assert Claim.objects.get(pk=big.pk).status == "verified"


def test_dinas_sosial_of_another_region_cannot_approve(membership, submit, lpa_manager, dinsos_jakbar):
    big = submit(membership, "hospital", days=25)
    services.claim_verify(actor=lpa_manager, claim=big, today=TODAY)
    with pytest.raises(DomainError) as info:
        services.claim_approve(actor=dinsos_jakbar, claim=big, today=TODAY)
    assert info.value.code == "out_of_scope"


# --- blocking checks and overrides -----------------------------------------------------------------------


def test_blocking_findings_need_a_written_override(membership, submit, lpa_manager):
    late = submit(membership, "sickness", event_date=D(2026, 5, 1))  # 137 days, deadline 90
    assert [(c.code, c.severity) for c in late.checks.all()] == [("deadline_passed", "block")]
    with pytest.raises(DomainError) as info:
        services.claim_verify(actor=lpa_manager, claim=late, today=TODAY)
    assert (info.value.code, info.value.field) == ("override_required", "override_reason")
    services.claim_verify(
        actor=lpa_manager, claim=late, today=TODAY, override_reason="Hospitalised until August"
    )
    late.refresh_from_db()
    assert (late.status, late.override_reason) == ("approved", "Hospitalised until August")
    event = AuditEvent.objects.get(action="claim.verify", object_id=str(late.pk))
    assert event.new is not None
    assert (event.reason, event.new["overridden"]) == ("Hospitalised until August", ["deadline_passed"])


def test_duplicates_and_the_yearly_limit_cannot_be_overridden(membership, submit, lpa_manager):
    first = submit(membership, "sickness", event_date=D(2026, 8, 1))
    duplicate = submit(membership, "sickness", event_date=D(2026, 8, 1))
    assert [c.code for c in duplicate.checks.all()] == ["duplicate_event"]
    assert list(first.checks.all()) == []
    with pytest.raises(DomainError) as info:
        services.claim_verify(actor=lpa_manager, claim=duplicate, today=TODAY, override_reason="please")
    assert info.value.code == "blocked"
    services.claim_verify(actor=lpa_manager, claim=first, today=TODAY)
    services.claim_reject(actor=lpa_manager, claim=duplicate, reason="duplicate", today=TODAY)
    second = submit(membership, "sickness", event_date=D(2026, 9, 1))
    assert [c.code for c in second.checks.all()] == ["yearly_limit"]
    assert second.checks.get().params == {"count": 1, "year": 2026, "limit": 1}


def test_a_lapsed_member_is_not_covered(make_membership, submit):
    lapsed = make_membership(paid_through=D(2026, 4, 1))
    claim = submit(lapsed, "sickness")
    check = claim.checks.get()
    assert (check.code, check.severity, check.params["reason"]) == (
        "not_covered",
        "block",
        "lapsed: 5 months unpaid, grace 3",
    )


def test_a_member_in_grace_gets_a_warning(make_membership, submit):
    claim = submit(make_membership(paid_through=D(2026, 7, 1)), "sickness")
    assert [(c.code, c.severity, c.params) for c in claim.checks.all()] == [
        ("in_grace", "warn", {"paid_through": "2026-07"})
    ]


def test_heir_shares_must_make_100_percent(make_membership, submit):
    claim = submit(make_membership(heirs=((5000, "tunai"),)), "death", days=None)
    assert [(c.code, c.overridable) for c in claim.checks.all()] == [("heir_shares", False)]
    assert [p.amount for p in claim.payees.all()] == [0]


# --- payout and consequences -----------------------------------------------------------------------------


def test_the_payout_posts_once_to_the_fund(membership, submit, lpa_manager, dinsos_jaktim):
    claim = submit(membership, "death", days=None)
    services.claim_verify(actor=lpa_manager, claim=claim, today=TODAY)
    services.claim_approve(actor=dinsos_jaktim, claim=claim, today=TODAY)
    services.claim_pay(
        actor=lpa_manager, claim=claim, paid_on=D(2026, 9, 14), payouts=cash(claim), today=TODAY
    )
    entry = JournalEntry.objects.get(idempotency_key=f"claim-payout-{claim.pk}")
    lines = sorted(entry.lines.values_list("account_id", "debit", "credit"))
    assert lines == [("1110", 0, 800_000), ("1200", 0, 1_200_000), ("5100", 2_000_000, 0)]
    assert (entry.lpa_id, entry.on, entry.source_type, entry.source_id) == (
        claim.lpa_id,
        D(2026, 9, 14),
        "claim",
        str(claim.pk),
    )
    claim.refresh_from_db()
    assert claim.journal_entry == entry
    with pytest.raises(TransitionError):
        services.claim_pay(actor=lpa_manager, claim=claim, paid_on=TODAY, payouts=cash(claim), today=TODAY)
    from askesos.fund.services import post_journal

    again = post_journal(
        lpa_id=claim.lpa_id,
        on=D(2026, 9, 14),
        memo="retry",
        source_type="claim",
        source_id=str(claim.pk),
        lines=[("5100", 2_000_000, 0), ("1200", 0, 1_200_000), ("1110", 0, 800_000)],
        idempotency_key=f"claim-payout-{claim.pk}",
    )
    assert again == entry
    assert JournalEntry.objects.filter(source_type="claim").count() == 1
    assert list(ClaimPayee.objects.filter(claim=claim).values_list("amount", "paid_on")) == [
        (1_200_000, D(2026, 9, 14)),
        (800_000, D(2026, 9, 14)),
    ]


def test_a_paid_death_claim_terminates_the_membership(membership, submit, lpa_manager, dinsos_jaktim):
    claim = submit(membership, "death", event_date=D(2026, 9, 3), days=None)
    services.claim_verify(actor=lpa_manager, claim=claim, today=TODAY)
    services.claim_approve(actor=dinsos_jaktim, claim=claim, today=TODAY)
    services.claim_pay(actor=lpa_manager, claim=claim, paid_on=TODAY, payouts=cash(claim), today=TODAY)
    m = Membership.objects.get(pk=membership.pk)
    assert (m.status, m.terminated_on, m.termination_reason) == ("terminated", D(2026, 9, 3), "death")
    change = MembershipStatusChange.objects.get(membership=m)
    assert (change.from_status, change.to_status, change.on) == ("active", "terminated", D(2026, 9, 3))
    assert AuditEvent.objects.filter(action="membership.terminate", object_id=str(m.pk)).count() == 1


def test_a_paid_sickness_claim_leaves_the_membership_alone(membership, submit, lpa_manager):
    claim = submit(membership, "sickness")
    services.claim_verify(actor=lpa_manager, claim=claim, today=TODAY)
    services.claim_pay(actor=lpa_manager, claim=claim, paid_on=TODAY, payouts=cash(claim), today=TODAY)
    assert Membership.objects.get(pk=membership.pk).status == "active"
    bodies = list(
        Message.objects.filter(related_id=str(claim.pk)).order_by("id").values_list("body", flat=True)
    )
    assert bodies == [
        f"Klaim ASKESOS {claim.number}: diterima dan sedang diperiksa.",
        f"Klaim ASKESOS {claim.number}: disetujui, Rp 400.000.",
        f"Klaim ASKESOS {claim.number}: sudah dibayar, Rp 400.000.",
    ]


def test_a_claim_after_the_members_death_is_blocked(membership, submit):
    submit(membership, "death", event_date=D(2026, 8, 1), days=None)
    sick = submit(membership, "sickness", event_date=D(2026, 8, 20))
    accident = submit(membership, "accident_death", event_date=D(2026, 8, 1), days=None)
    assert [c.code for c in sick.checks.all()] == ["already_deceased"]
    assert [c.code for c in accident.checks.all()] == ["already_deceased"]


def test_payout_needs_a_reference_per_payee(membership, submit, lpa_manager):
    claim = submit(membership, "sickness")
    services.claim_verify(actor=lpa_manager, claim=claim, today=TODAY)
    with pytest.raises(DomainError) as info:
        services.claim_pay(actor=lpa_manager, claim=claim, paid_on=TODAY, payouts={}, today=TODAY)
    assert info.value.code == "reference_required"
    payee = claim.payees.get()
    with pytest.raises(DomainError) as info:
        services.claim_pay(
            actor=lpa_manager,
            claim=claim,
            paid_on=TODAY,
            today=TODAY,
            payouts={payee.pk: services.Payout("TRF-9", channel="bank")},
        )
    assert info.value.code == "account_required"
    assert Claim.objects.get(pk=claim.pk).status == "approved"


def test_returned_claims_are_resubmitted_with_fresh_payees(membership, submit, lpa_manager, officer):
    claim = submit(membership, "death", days=None)
    services.claim_return(actor=lpa_manager, claim=claim, reason="Heirship letter missing stamp", today=TODAY)
    assert Message.objects.filter(related_id=str(claim.pk)).latest("id").body == (
        f"Klaim ASKESOS {claim.number}: dokumen belum lengkap."
    )
    membership.person.heirs.filter(share_bp=4000).update(share_bp=3000)
    membership.person.heirs.create(
        full_name="Anak Tiga", nik="3175030101100003", relation="anak", share_bp=1000, payout_channel="tunai"
    )
    services.claim_resubmit(actor=officer, claim=claim, today=TODAY)
    assert list(claim.payees.values_list("share_bp", "amount")) == [
        (6000, 1_200_000),
        (3000, 600_000),
        (1000, 200_000),
    ]
