"""Random sequences of transitions by random actors never break the claim invariants:
no claim is paid twice (one payout journal, one paid transition), no claim is approved or paid
without having been verified, and no claim pays more than the scheme allows for it."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from askesos.audit.models import AuditEvent
from askesos.claims import rules, selectors, services
from askesos.claims.models import Claim, ClaimStatus
from askesos.claims.tests.conftest import TODAY, pdf
from askesos.core.errors import DomainError
from askesos.fund.models import JournalLine

D = dt.date
ACTORS = ("officer", "lpa_manager", "other_lpa_manager", "dinsos_jaktim", "dinsos_jakbar", "auditor")
KINDS = (("sickness", 12), ("hospital", 25), ("hospital", 40), ("death", None), ("funeral", None))
ACTIONS = ("verify", "verify_override", "approve", "return", "resubmit", "reject", "pay", "upload")


class ClaimMachine(RuleBasedStateMachine):
    actors: ClassVar[dict[str, Any]] = {}
    make_membership: ClassVar[Any] = None
    reached: ClassVar[set[str]] = set()

    def __init__(self) -> None:
        super().__init__()
        self.claims: list[int] = []
        self.memberships = [
            type(self).make_membership(heirs=((3333, "bank"), (3333, "tunai"), (3334, "bank")))
            for _ in range(2)
        ]

    @rule(member=st.integers(0, 1), kind=st.sampled_from(KINDS), day=st.integers(1, 14), docs=st.booleans())
    def submit(self, member: int, kind: tuple[str, int | None], day: int, docs: bool) -> None:
        try:
            claim = services.claim_submit(
                actor=self.actors["officer"],
                membership=self.memberships[member],
                claim_type=kind[0],
                event_date=D(2026, 9, day),
                days=kind[1],
                today=TODAY,
            )
        except DomainError:
            return
        if docs:
            for doc in claim.benefit.documents:
                services.claim_document_add(actor=self.actors["officer"], claim=claim, kind=doc, upload=pdf())
        self.claims.append(claim.pk)

    @precondition(lambda self: bool(self.claims))
    @rule(index=st.integers(0, 20), action=st.sampled_from(ACTIONS), who=st.sampled_from(ACTORS))
    def act(self, index: int, action: str, who: str) -> None:
        claim = Claim.objects.get(pk=self.claims[index % len(self.claims)])
        actor = self.actors[who]
        calls = {
            "verify": lambda: services.claim_verify(actor=actor, claim=claim, today=TODAY),
            "verify_override": lambda: services.claim_verify(
                actor=actor, claim=claim, today=TODAY, override_reason="checked by phone"
            ),
            "approve": lambda: services.claim_approve(actor=actor, claim=claim, today=TODAY),
            "return": lambda: services.claim_return(actor=actor, claim=claim, reason="blurred", today=TODAY),
            "resubmit": lambda: services.claim_resubmit(actor=actor, claim=claim, today=TODAY),
            "reject": lambda: services.claim_reject(actor=actor, claim=claim, reason="no", today=TODAY),
            "pay": lambda: services.claim_pay(
                actor=actor,
                claim=claim,
                paid_on=TODAY,
                today=TODAY,
                payouts={
                    p.pk: services.Payout(f"REF-{p.pk}", p.channel, "", p.account_number or "1")
                    for p in claim.payees.all()
                },
            ),
            "upload": lambda: services.claim_document_add(
                actor=actor, claim=claim, kind=(claim.benefit.documents or ["x"])[0], upload=pdf()
            ),
        }
        with contextlib.suppress(DomainError):
            calls[action]()

    @precondition(lambda self: bool(self.claims))
    @rule(index=st.integers(0, 20))
    def advance(self, index: int) -> None:
        """The right person takes the next step, so random runs also reach approval and payout."""
        claim = Claim.objects.get(pk=self.claims[index % len(self.claims)])
        step = {
            ClaimStatus.SUBMITTED: ("verify_override", "lpa_manager"),
            ClaimStatus.RETURNED: ("resubmit", "officer"),
            ClaimStatus.VERIFIED: ("approve", "dinsos_jaktim"),
            ClaimStatus.APPROVED: ("pay", "lpa_manager"),
        }.get(ClaimStatus(claim.status))
        if step is not None:
            self.act(index, step[0], step[1])

    def teardown(self) -> None:
        type(self).reached |= set(Claim.objects.filter(pk__in=self.claims).values_list("status", flat=True))

    def _events(self, pk: int, action: str) -> list[int]:
        return list(
            AuditEvent.objects.filter(object_type="claims.claim", object_id=str(pk), action=action)
            .order_by("id")
            .values_list("id", flat=True)
        )

    @invariant()
    def never_paid_twice(self) -> None:
        for claim in Claim.objects.filter(pk__in=self.claims):
            pays = self._events(claim.pk, "claim.pay")
            journals = JournalLine.objects.filter(
                entry__idempotency_key=f"claim-payout-{claim.pk}", account_id="5100"
            ).count()
            expected = 1 if claim.status == ClaimStatus.PAID else 0
            assert (len(pays), journals) == (expected, expected)

    @invariant()
    def never_approved_without_verification(self) -> None:
        for claim in Claim.objects.filter(
            pk__in=self.claims, status__in=[ClaimStatus.APPROVED, ClaimStatus.PAID]
        ):
            verifies = self._events(claim.pk, "claim.verify")
            approves = self._events(claim.pk, "claim.approve")
            returns = self._events(claim.pk, "claim.return")
            assert verifies
            assert approves
            assert verifies[-1] < approves[-1]
            assert not returns or returns[-1] < verifies[-1]
            assert claim.verified_by_id is not None
            assert claim.approved_by_id is not None
            if claim.approval_route == "dinsos":
                assert claim.approved_by_id != claim.verified_by_id
                assert claim.amount > claim.scheme_version.approval_threshold
            else:
                assert claim.amount <= claim.scheme_version.approval_threshold

    @invariant()
    def never_pays_more_than_the_scheme_allows(self) -> None:
        for claim in Claim.objects.filter(pk__in=self.claims).select_related("benefit", "scheme_version"):
            limit = rules.max_amount(
                selectors.benefit_rules(claim.scheme_version, claim.benefit), monthly_income=1_000_000
            )
            assert limit is not None
            paid = sum(
                JournalLine.objects.filter(
                    entry__idempotency_key=f"claim-payout-{claim.pk}", account_id="5100"
                ).values_list("debit", flat=True)
            )
            assert paid <= limit
            assert claim.amount <= limit
            if claim.status == ClaimStatus.PAID:
                assert paid == claim.amount == sum(claim.payees.values_list("amount", flat=True))


def test_claims_keep_their_invariants_under_random_transitions(
    make_membership, officer, lpa_manager, other_lpa_manager, dinsos_jaktim, dinsos_jakbar, auditor
):
    ClaimMachine.make_membership = staticmethod(make_membership)
    ClaimMachine.actors = {
        "officer": officer,
        "lpa_manager": lpa_manager,
        "other_lpa_manager": other_lpa_manager,
        "dinsos_jaktim": dinsos_jaktim,
        "dinsos_jakbar": dinsos_jakbar,
        "auditor": auditor,
    }
    run_state_machine_as_test(
        ClaimMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert {"paid", "approved", "verified"} <= ClaimMachine.reached, ClaimMachine.reached
