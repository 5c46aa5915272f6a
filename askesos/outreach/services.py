"""Writes for outreach: campaigns, events, attendance, leads and their follow-up. Every change is one
transaction with one audit event (``audit.services``); status changes are compare-and-set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.models import AuditEvent
from askesos.audit.services import audit_bulk, audit_record
from askesos.core.errors import DomainError, TransitionError
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.lpa.rules import nik_is_valid, normalize_nik
from askesos.membership.models import Membership, MembershipStatus
from askesos.outreach import rules
from askesos.outreach.models import (
    HOUSES_OF_WORSHIP,
    Attendee,
    Campaign,
    Event,
    Lead,
    LeadFollowUp,
    LeadStatus,
)
from askesos.regions.models import Region
from askesos.registry.models import Person
from askesos.registry.rules import normalize_phone


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    lpa: Lpa,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    goal_enrolments: int,
    budget: int,
) -> Campaign:
    """A planned outreach effort with its goal and budget (integer rupiah)."""
    if ends_on < starts_on:
        raise DomainError(_("The campaign ends before it starts."), code="period", field="ends_on")
    campaign = Campaign.objects.create(
        lpa=lpa,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        goal_enrolments=goal_enrolments,
        budget=budget,
        created_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="outreach.campaign_create",
        obj=campaign,
        new={
            "name": campaign.name,
            "from": starts_on,
            "until": ends_on,
            "goal": goal_enrolments,
            "budget": budget,
        },
        region_id=lpa.kelurahan_id,
        lpa_id=lpa.pk,
    )
    return campaign


def _check_event(
    *,
    lpa: Lpa,
    campaign: Campaign | None,
    channel: str,
    venue_name: str,
    kelurahan: Region,
    officers: list[FieldOfficer],
    held_on: dt.date,
    today: dt.date,
) -> None:
    if kelurahan.level != Region.Level.VILLAGE:
        raise DomainError(_("Choose a kelurahan."), code="not_kelurahan", field="kelurahan")
    if channel in HOUSES_OF_WORSHIP and not venue_name.strip():
        raise DomainError(
            _("Name the house of worship (e.g. Masjid Al-Ikhlas)."), code="venue_required", field="venue_name"
        )
    if campaign is not None and campaign.lpa_id != lpa.pk:
        raise DomainError(_("The campaign belongs to another LPA."), code="campaign_lpa", field="campaign")
    if any(o.lpa_id != lpa.pk for o in officers):
        raise DomainError(
            _("Every officer must belong to the event's LPA."), code="officer_lpa", field="officers"
        )
    if held_on > today:
        raise DomainError(_("An event is recorded after it took place."), code="future", field="held_on")


@transaction.atomic
def event_record(
    *,
    actor: Any,
    lpa: Lpa,
    channel: str,
    kelurahan: Region,
    held_on: dt.date,
    today: dt.date,
    officers: Iterable[FieldOfficer] = (),
    campaign: Campaign | None = None,
    venue_name: str = "",
    cost: int = 0,
    attendance: int = 0,
    notes: str = "",
) -> Event:
    """Record an outreach event that took place (thesis: communication, the weakest aspect)."""
    officer_list = list(officers)
    _check_event(
        lpa=lpa,
        campaign=campaign,
        channel=channel,
        venue_name=venue_name,
        kelurahan=kelurahan,
        officers=officer_list,
        held_on=held_on,
        today=today,
    )
    event = Event.objects.create(
        lpa=lpa,
        campaign=campaign,
        channel=channel,
        venue_name=venue_name.strip(),
        kelurahan=kelurahan,
        held_on=held_on,
        cost=cost,
        attendance=attendance,
        notes=notes,
        created_by=_user(actor),
    )
    event.officers.set(officer_list)
    audit_record(
        actor=actor,
        action="outreach.event_record",
        obj=event,
        new={
            "channel": channel,
            "venue": event.venue_name,
            "kelurahan": kelurahan.pk,
            "on": held_on,
            "cost": cost,
            "attendance": attendance,
            "officers": sorted(o.pk for o in officer_list),
        },
        region_id=kelurahan.pk,
        lpa_id=lpa.pk,
    )
    return event


@transaction.atomic
def event_set_attendance(*, actor: Any, event: Event, attendance: int, names: Iterable[str] = ()) -> Event:
    """Update the people-reached count and append names to the attendee list. The count never falls
    below the number of names on the list."""
    clean = [n.strip()[:150] for n in names if n.strip()]
    if clean:
        Attendee.objects.bulk_create([Attendee(event=event, full_name=n) for n in clean])
    listed = Attendee.objects.filter(event=event).count()
    new = max(attendance, listed)
    old = event.attendance
    Event.objects.filter(pk=event.pk).update(attendance=new)
    event.attendance = new
    audit_record(
        actor=actor,
        action="outreach.event_attendance",
        obj=event,
        old={"attendance": old},
        new={"attendance": new, "names_added": len(clean)},
        region_id=event.kelurahan_id,
        lpa_id=event.lpa_id,
    )
    return event


@transaction.atomic
def lead_capture(
    *,
    actor: Any,
    event: Event,
    full_name: str,
    phone: str = "",
    nik: str = "",
    consent: bool,
    captured_by: FieldOfficer | None = None,
) -> Lead:
    """Capture a prospective member at an event. The phone is normalised to +62…; phone and NIK are
    kept only with consent (``rules.contact_fields``), and consent is time-stamped."""
    name = full_name.strip()
    if not name:
        raise DomainError(_("The name is required."), code="name_required", field="full_name")
    clean_phone, clean_nik = rules.contact_fields(consent=consent, phone=phone, nik=nik)
    clean_phone = normalize_phone(clean_phone)
    clean_nik = normalize_nik(clean_nik)
    if clean_nik and not nik_is_valid(clean_nik):
        raise DomainError(_("The NIK is not valid (16 digits)."), code="nik_invalid", field="nik")
    lead = Lead.objects.create(
        event=event,
        lpa_id=event.lpa_id,
        kelurahan_id=event.kelurahan_id,
        full_name=name[:150],
        phone=clean_phone,
        nik=clean_nik,
        consent=consent,
        consent_at=timezone.now() if consent else None,
        captured_by=captured_by,
    )
    audit_record(
        actor=actor,
        action="outreach.lead_capture",
        obj=lead,
        new={"event": event.pk, "consent": consent, "phone": bool(clean_phone), "nik": bool(clean_nik)},
        region_id=lead.kelurahan_id,
        lpa_id=lead.lpa_id,
    )
    return lead


def _officer_of(actor: Any) -> FieldOfficer | None:
    user = _user(actor)
    return FieldOfficer.objects.filter(user_id=user.pk).first() if user is not None else None


@transaction.atomic
def lead_transition(*, actor: Any, lead: Lead, new: str, today: dt.date, note: str = "") -> Lead:
    """Move a lead along its follow-up (``rules.TRANSITIONS``), compare-and-set; logs the follow-up
    (which counts as an officer visit) and an audit event. Contacting needs a phone (consent)."""
    old = lead.status
    if not rules.can_transition(old, new):
        raise TransitionError(_("A lead cannot go from %(old)s to %(new)s.") % {"old": old, "new": new})
    if new in rules.NEEDS_CONTACT and not lead.phone:
        raise DomainError(_("This lead gave no consent to be contacted."), code="no_consent")
    now = timezone.now()
    if Lead.objects.filter(pk=lead.pk, status=old).update(status=new, status_changed_at=now) != 1:
        raise TransitionError(_("The lead was changed by someone else; reload and try again."))
    LeadFollowUp.objects.create(
        lead=lead,
        officer=_officer_of(actor),
        on=today,
        from_status=old,
        to_status=new,
        note=note[:300],
        actor=_user(actor),
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"outreach.lead_{new}",
        obj=lead,
        old={"status": old},
        new={"status": new},
        reason=note,
        region_id=lead.kelurahan_id,
        lpa_id=lead.lpa_id,
    )
    lead.status, lead.status_changed_at = new, now
    return lead


def _membership_for(person: Person, since: dt.date | None = None) -> Membership | None:
    qs = Membership.objects.filter(person=person).exclude(status=MembershipStatus.TERMINATED)
    if since is not None:
        qs = qs.filter(enrolled_on__gte=since)
    return qs.order_by("-enrolled_on", "-pk").first()


@transaction.atomic
def lead_link_enrolment(*, actor: Any, lead: Lead, person: Person, today: dt.date) -> Lead:
    """Link a lead to the person it became and their membership; the lead is then ``enrolled``.

    Refused when the person has no open membership (enrolment comes first) or the lead is already
    enrolled. Compare-and-set on the status, audited."""
    old = lead.status
    if not rules.can_link(old):
        raise TransitionError(_("The lead is already linked to an enrolment."))
    membership = _membership_for(person)
    if membership is None:
        raise DomainError(
            _("%(name)s has no membership yet; enrol first.") % {"name": person.full_name},
            code="not_enrolled",
            field="person",
        )
    now = timezone.now()
    changed = Lead.objects.filter(pk=lead.pk, status=old).update(
        status=LeadStatus.ENROLLED,
        status_changed_at=now,
        person=person,
        membership=membership,
        linked_by="manual",
    )
    if changed != 1:
        raise TransitionError(_("The lead was changed by someone else; reload and try again."))
    LeadFollowUp.objects.create(
        lead=lead,
        officer=_officer_of(actor),
        on=today,
        from_status=old,
        to_status=LeadStatus.ENROLLED,
        actor=_user(actor),
        at=now,
    )
    audit_record(
        actor=actor,
        action="outreach.lead_link",
        obj=lead,
        old={"status": old},
        new={"status": LeadStatus.ENROLLED, "person": person.pk, "membership": membership.pk},
        region_id=lead.kelurahan_id,
        lpa_id=lead.lpa_id,
    )
    lead.status, lead.person, lead.membership, lead.linked_by = (
        LeadStatus.ENROLLED,
        person,
        membership,
        "manual",
    )
    return lead


MATCH_CHUNK = 2000


def _match_candidates(after_id: int) -> list[dict[str, Any]]:
    by_nik = Person.objects.filter(nik=OuterRef("nik")).values("pk")[:1]
    by_phone = Person.objects.filter(phone=OuterRef("phone")).order_by("pk").values("pk")[:1]
    shared_phone = Person.objects.filter(phone=OuterRef("phone")).exclude(pk=OuterRef("phone_pid"))
    rows: Any = (
        Lead.objects.filter(pk__gt=after_id, person__isnull=True, consent=True)
        .exclude(status=LeadStatus.ENROLLED)
        .annotate(
            nik_pid=Subquery(by_nik),
            phone_pid=Subquery(by_phone),
        )
        .annotate(phone_shared=Exists(shared_phone))
        .order_by("pk")
        .values(
            "pk",
            "status",
            "nik",
            "phone",
            "nik_pid",
            "phone_pid",
            "phone_shared",
            "event__held_on",
            "kelurahan_id",
            "lpa_id",
        )[:MATCH_CHUNK]
    )
    return list(rows)


def _pick_person(row: dict[str, Any]) -> tuple[int | None, str]:
    if row["nik"]:
        return row["nik_pid"], "nik"  # a NIK decides alone: a different person with that phone is not them
    if row["phone"] and row["phone_pid"] and not row["phone_shared"]:
        return row["phone_pid"], "phone"
    return None, ""


def _first_memberships(person_ids: set[int]) -> dict[int, list[tuple[int, dt.date]]]:
    found: dict[int, list[tuple[int, dt.date]]] = {}
    rows = (
        Membership.objects.filter(person_id__in=person_ids)
        .exclude(status=MembershipStatus.TERMINATED)
        .order_by("enrolled_on", "pk")
        .values_list("person_id", "pk", "enrolled_on")
    )
    for person_id, pk, enrolled_on in rows:
        found.setdefault(person_id, []).append((pk, enrolled_on))
    return found


def leads_match_enrolments(*, actor: Any = None, today: dt.date) -> int:
    """Link leads to members who registered after the event, set-based in chunks.

    Match rule: a consenting lead matches the person with the same NIK; a lead without a NIK
    matches by phone when exactly one person has that phone. It counts as a conversion only when
    the person holds an open membership enrolled on or after the event date (someone already a
    member before the event was not won by it). Returns the number of leads linked."""
    linked, after = 0, 0
    while True:
        rows = _match_candidates(after)
        if not rows:
            return linked
        after = rows[-1]["pk"]
        linked += _link_chunk(rows, actor=actor, today=today)


@transaction.atomic
def _link_chunk(rows: list[dict[str, Any]], *, actor: Any, today: dt.date) -> int:
    picks = {row["pk"]: _pick_person(row) for row in rows}
    memberships = _first_memberships({pid for pid, _how in picks.values() if pid})
    now = timezone.now()
    updates: list[Lead] = []
    follow_ups: list[LeadFollowUp] = []
    events: list[AuditEvent] = []
    for row in rows:
        pid, how = picks[row["pk"]]
        membership = next((m for m in memberships.get(pid or 0, []) if m[1] >= row["event__held_on"]), None)
        if pid is None or membership is None:
            continue
        lead = Lead(
            pk=row["pk"],
            person_id=pid,
            membership_id=membership[0],
            linked_by=how,
            status=LeadStatus.ENROLLED,
            status_changed_at=now,
        )
        updates.append(lead)
        follow_ups.append(
            LeadFollowUp(
                lead_id=row["pk"],
                on=today,
                from_status=row["status"],
                to_status=LeadStatus.ENROLLED,
                note=f"matched by {how}",
                at=now,
            )
        )
        events.append(
            AuditEvent(
                at=now,
                actor=_user(actor),
                actor_label=str(getattr(actor, "username", "system")),
                action="outreach.lead_match",
                object_type="outreach.lead",
                object_id=str(row["pk"]),
                old={"status": row["status"]},
                new={"status": LeadStatus.ENROLLED, "person": pid, "membership": membership[0], "by": how},
                region_id=row["kelurahan_id"],
                lpa_id=row["lpa_id"],
            )
        )
    if not updates:
        return 0
    # Compare-and-set for the batch: only leads still unlinked are updated.
    still_open = set(
        Lead.objects.select_for_update()
        .filter(pk__in=[u.pk for u in updates], person__isnull=True)
        .values_list("pk", flat=True)
    )
    updates = [u for u in updates if u.pk in still_open]
    Lead.objects.bulk_update(
        updates, ["person_id", "membership_id", "linked_by", "status", "status_changed_at"]
    )
    LeadFollowUp.objects.bulk_create([f for f in follow_ups if f.lead_id in still_open])
    audit_bulk(e for e in events if int(e.object_id) in still_open)
    return len(updates)
