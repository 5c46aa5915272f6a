from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from askesos.audit.models import AuditEvent
from askesos.core.errors import DomainError, TransitionError
from askesos.membership.models import MembershipStatus
from askesos.outreach import rules, services
from askesos.outreach.models import Channel, Lead, LeadFollowUp, LeadStatus
from askesos.outreach.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(lpa_manager, lpa_jt01, region, today):
    return services.event_record(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.MASJID,
        venue_name="Masjid Al-Ikhlas",
        kelurahan=region("31.75.03.1001"),
        held_on=dt.date(2026, 3, 6),
        today=today,
        cost=250_000,
        attendance=40,
    )


def test_it_stores_phone_normalised_with_consent_and_timestamp(lpa_manager, event):
    lead = services.lead_capture(
        actor=lpa_manager,
        event=event,
        full_name="Siti Aminah",
        phone="0812-3456-7890",
        nik="3175015507850001",
        consent=True,
    )
    lead.refresh_from_db()
    assert (lead.phone, lead.nik, lead.consent) == ("+6281234567890", "3175015507850001", True)
    assert lead.consent_at is not None
    assert (lead.kelurahan_id, lead.lpa_id, lead.status) == (3175031001, event.lpa_id, LeadStatus.NEW)
    assert AuditEvent.objects.filter(action="outreach.lead_capture", object_id=str(lead.pk)).count() == 1


def test_it_drops_phone_and_nik_without_consent(lpa_manager, event):
    lead = services.lead_capture(
        actor=lpa_manager,
        event=event,
        full_name="Budi",
        phone="0812-3456-7890",
        nik="3175015507850001",
        consent=False,
    )
    lead.refresh_from_db()
    assert (lead.full_name, lead.phone, lead.nik, lead.consent, lead.consent_at) == (
        "Budi",
        "",
        "",
        False,
        None,
    )


def test_it_refuses_contact_details_without_consent_in_the_database(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Lead.objects.create(
            event=event,
            lpa_id=event.lpa_id,
            kelurahan_id=event.kelurahan_id,
            full_name="X",
            phone="+6281234567890",
            consent=False,
        )


def test_it_refuses_a_bad_phone_and_a_bad_nik(lpa_manager, event):
    with pytest.raises(DomainError) as phone_error:
        services.lead_capture(actor=lpa_manager, event=event, full_name="A", phone="12", consent=True)
    with pytest.raises(DomainError) as nik_error:
        services.lead_capture(actor=lpa_manager, event=event, full_name="A", nik="1234", consent=True)
    assert (phone_error.value.field, nik_error.value.code) == ("phone", "nik_invalid")
    assert Lead.objects.count() == 0


def test_it_requires_the_venue_for_houses_of_worship(lpa_manager, lpa_jt01, region, today):
    with pytest.raises(DomainError) as error:
        services.event_record(
            actor=lpa_manager,
            lpa=lpa_jt01,
            channel=Channel.GEREJA,
            kelurahan=region("31.75.03.1001"),
            held_on=today,
            today=today,
        )
    assert error.value.code == "venue_required"


def test_it_follows_the_lead_state_machine(lpa_manager, event, today):
    lead = services.lead_capture(
        actor=lpa_manager, event=event, full_name="Siti", phone="081234567890", consent=True
    )
    services.lead_transition(
        actor=lpa_manager, lead=lead, new=LeadStatus.CONTACTED, today=today, note="called"
    )
    services.lead_transition(actor=lpa_manager, lead=lead, new=LeadStatus.INTERESTED, today=today)
    with pytest.raises(TransitionError):
        services.lead_transition(actor=lpa_manager, lead=lead, new=LeadStatus.NEW, today=today)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.INTERESTED
    assert list(LeadFollowUp.objects.filter(lead=lead).values_list("from_status", "to_status")) == [
        ("new", "contacted"),
        ("contacted", "interested"),
    ]
    assert AuditEvent.objects.filter(object_id=str(lead.pk), action__startswith="outreach.lead_").count() == 3


def test_it_loses_a_race_with_compare_and_set(lpa_manager, event, today):
    lead = services.lead_capture(
        actor=lpa_manager, event=event, full_name="Siti", phone="081234567890", consent=True
    )
    stale = Lead.objects.get(pk=lead.pk)
    services.lead_transition(actor=lpa_manager, lead=lead, new=LeadStatus.CONTACTED, today=today)
    with pytest.raises(TransitionError):
        services.lead_transition(actor=lpa_manager, lead=stale, new=LeadStatus.UNREACHABLE, today=today)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONTACTED


def test_it_cannot_contact_a_lead_without_consent(lpa_manager, event, today):
    lead = services.lead_capture(actor=lpa_manager, event=event, full_name="Budi", consent=False)
    with pytest.raises(DomainError) as error:
        services.lead_transition(actor=lpa_manager, lead=lead, new=LeadStatus.CONTACTED, today=today)
    assert error.value.code == "no_consent"


def test_it_links_a_lead_to_the_enrolment(lpa_manager, lpa_jt01, event, region, today):
    lead = services.lead_capture(
        actor=lpa_manager, event=event, full_name="Siti", phone="081234567890", consent=True
    )
    p = f.person(lpa_jt01, region("31.75.03.1001"))
    with pytest.raises(DomainError) as error:
        services.lead_link_enrolment(actor=lpa_manager, lead=lead, person=p, today=today)
    assert error.value.code == "not_enrolled"
    m = f.membership(p, enrolled_on=dt.date(2026, 3, 20))
    services.lead_link_enrolment(actor=lpa_manager, lead=lead, person=p, today=today)
    lead.refresh_from_db()
    assert (lead.status, lead.person_id, lead.membership_id, lead.linked_by) == (
        "enrolled",
        p.pk,
        m.pk,
        "manual",
    )
    with pytest.raises(TransitionError):
        services.lead_link_enrolment(actor=lpa_manager, lead=lead, person=p, today=today)


def test_it_matches_leads_by_nik_then_unique_phone(lpa_manager, lpa_jt01, event, region, today):
    k = region("31.75.03.1001")
    by_nik = f.person(lpa_jt01, k, nik="3175015507850001", phone="+6281111111111")
    by_phone = f.person(lpa_jt01, k, phone="+6282222222222")
    shared_a = f.person(lpa_jt01, k, phone="+6283333333333")
    f.person(lpa_jt01, k, phone="+6283333333333")
    before_event = f.person(lpa_jt01, k, phone="+6284444444444")
    m1 = f.membership(by_nik, enrolled_on=dt.date(2026, 4, 1))
    m2 = f.membership(by_phone, enrolled_on=dt.date(2026, 3, 6))
    f.membership(shared_a, enrolled_on=dt.date(2026, 4, 1))
    f.membership(before_event, enrolled_on=dt.date(2025, 1, 1))
    capture = services.lead_capture
    l_nik = capture(
        actor=lpa_manager,
        event=event,
        full_name="A",
        nik="3175015507850001",
        phone="0899-9999-9999",
        consent=True,
    )
    l_phone = capture(actor=lpa_manager, event=event, full_name="B", phone="082222222222", consent=True)
    l_shared = capture(actor=lpa_manager, event=event, full_name="C", phone="083333333333", consent=True)
    l_before = capture(actor=lpa_manager, event=event, full_name="D", phone="084444444444", consent=True)
    l_none = capture(actor=lpa_manager, event=event, full_name="E", consent=False)

    assert services.leads_match_enrolments(today=today) == 2
    assert services.leads_match_enrolments(today=today) == 0  # idempotent

    got = {
        lead.pk: (lead.status, lead.person_id, lead.membership_id, lead.linked_by)
        for lead in Lead.objects.all()
    }
    assert got[l_nik.pk] == ("enrolled", by_nik.pk, m1.pk, "nik")
    assert got[l_phone.pk] == ("enrolled", by_phone.pk, m2.pk, "phone")
    assert got[l_shared.pk] == ("new", None, None, "")
    assert got[l_before.pk] == ("new", None, None, "")
    assert got[l_none.pk] == ("new", None, None, "")
    assert AuditEvent.objects.filter(action="outreach.lead_match").count() == 2


def test_it_keeps_the_transition_table_closed_for_enrolled():
    assert rules.TRANSITIONS[LeadStatus.ENROLLED] == frozenset()
    assert not rules.can_link(LeadStatus.ENROLLED)
    assert rules.can_link(LeadStatus.DECLINED)
    assert MembershipStatus.ACTIVE == "active"
