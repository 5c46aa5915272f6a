from __future__ import annotations

import datetime as dt

import pytest

from askesos.outreach import services
from askesos.outreach.models import Channel, Event, Lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(lpa_manager, lpa_jt01, region, today):
    return services.event_record(
        actor=lpa_manager,
        lpa=lpa_jt01,
        channel=Channel.CERAMAH,
        kelurahan=region("31.75.03.1001"),
        held_on=dt.date(2026, 3, 6),
        today=today,
    )


def test_it_answers_404_outside_scope_and_403_without_capability(
    client, event, other_lpa_manager, dinsos_jakbar, member_user, auditor
):
    for user in (other_lpa_manager, dinsos_jakbar):
        client.force_login(user)
        assert client.get(f"/outreach/events/{event.pk}/").status_code == 404
        assert client.post(f"/outreach/events/{event.pk}/leads/", {"full_name": "X"}).status_code == 404
    client.force_login(member_user)
    assert client.get("/outreach/").status_code == 403
    client.force_login(auditor)
    assert client.get(f"/outreach/events/{event.pk}/").status_code == 200
    assert client.post(f"/outreach/events/{event.pk}/leads/", {"full_name": "X"}).status_code == 403
    assert Lead.objects.count() == 0


def test_it_lets_an_officer_capture_a_lead_on_the_event_page(client, event, officer):
    client.force_login(officer)
    page = client.get(f"/outreach/events/{event.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'inputmode="tel"' in html
    assert "<script>" not in html
    assert "style=" not in html
    response = client.post(
        f"/outreach/events/{event.pk}/leads/",
        {"full_name": "Siti", "phone": "0812 3456 7890", "consent": "on"},
    )
    assert response.status_code == 302
    assert list(Lead.objects.values_list("full_name", "phone")) == [("Siti", "+6281234567890")]


def test_it_records_an_event_from_the_form(client, lpa_manager, lpa_jt01, region):
    client.force_login(lpa_manager)
    assert client.get("/outreach/events/new/").status_code == 200
    response = client.post(
        "/outreach/events/new/",
        {
            "lpa": lpa_jt01.pk,
            "channel": Channel.VIHARA,
            "venue_name": "Vihara Dharma Bhakti",
            "kelurahan": region("31.75.03.1002").pk,
            "held_on": "2026-01-10",
            "attendance": "25",
            "cost": "150000",
        },
    )
    assert response.status_code == 302
    assert list(Event.objects.values_list("channel", "venue_name", "attendance", "cost")) == [
        ("vihara", "Vihara Dharma Bhakti", 25, 150_000)
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/outreach/",
        "/outreach/leads/",
        "/outreach/campaigns/",
        "/outreach/funnel/",
        "/outreach/coverage/",
        "/outreach/events/new/",
        "/outreach/campaigns/new/",
    ],
)
def test_it_renders_every_page(client, dinsos_jaktim, event, url):
    client.force_login(dinsos_jaktim)
    assert client.get(url).status_code == 200


def test_it_follows_up_and_links_a_lead_through_the_pages(client, event, lpa_manager, lpa_jt01, region):
    from askesos.outreach.tests import factories as f

    lead = services.lead_capture(
        actor=lpa_manager, event=event, full_name="Siti", phone="081234567890", consent=True
    )
    client.force_login(lpa_manager)
    assert client.get(f"/outreach/leads/{lead.pk}/").status_code == 200
    assert client.post(f"/outreach/leads/{lead.pk}/status/contacted/", {"note": "via WA"}).status_code == 302
    p = f.person(lpa_jt01, region("31.75.03.1001"))
    f.membership(p, enrolled_on=dt.date(2026, 4, 1))
    assert client.post(f"/outreach/leads/{lead.pk}/link/", {"nik": p.nik}).status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.person_id) == ("enrolled", p.pk)


def test_it_keeps_attendance_at_least_the_names_listed(client, event, lpa_manager):
    client.force_login(lpa_manager)
    response = client.post(
        f"/outreach/events/{event.pk}/attendance/", {"attendance": "1", "names": "Ani\nBudi\n\n"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.attendance, event.attendees.count()) == (2, 2)


def test_it_shows_the_funnel_by_officer(client, event, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    response = client.get("/outreach/funnel/", {"start": "2026-01-01", "end": "2026-12-31", "by": "officer"})
    assert response.status_code == 200


def test_the_event_kelurahan_is_a_code_input_at_national_scale(client, kemensos_admin, region):
    from askesos.outreach.forms import EventForm

    form = EventForm(user=kemensos_admin, today=dt.date(2026, 1, 10))
    html = str(form["kelurahan"])
    assert "<option" not in html
    assert 'placeholder="31.75.03.1001"' in html
    bound = EventForm({"kelurahan": "3175031002"}, user=kemensos_admin, today=dt.date(2026, 1, 10))
    bound.is_valid()
    assert bound.cleaned_data["kelurahan"] == region("31.75.03.1002")


def test_the_event_kelurahan_list_is_the_lpa_users_kecamatan(lpa_manager):
    from askesos.outreach.forms import EventForm
    from askesos.regions.models import Region

    field = EventForm(user=lpa_manager, today=dt.date(2026, 1, 10)).fields["kelurahan"]
    offered = [value for _group, options in field.widget.choices[1:] for value, _label in options]
    jatinegara = Region.objects.filter(code__startswith="31.75.03.", level=4).order_by("id")
    assert offered == [str(r.pk) for r in jatinegara]
