from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from askesos.accounts.permissions import has_capability
from askesos.core.navigation import MENU, menu_for

# The foundation's entries. Other capabilities register their own (core.navigation.register_menu_item);
# the rule test below covers those without this file having to list them.
FOUNDATION = {"core:home", "lpa:list", "regions:browse", "audit:list"}

EXPECTED = {
    "kemensos_admin": ["core:home", "lpa:list", "regions:browse", "audit:list"],
    "dinsos_jaktim": ["core:home", "lpa:list", "regions:browse", "audit:list"],
    "auditor": ["core:home", "lpa:list", "regions:browse", "audit:list"],
    "lpa_manager": ["core:home", "lpa:list", "regions:browse"],
    "officer": ["core:home"],
    "member_user": ["core:home"],
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_it_shows_each_persona_exactly_its_foundation_entries(request, persona, expected):
    user = request.getfixturevalue(persona)
    assert [item.url_name for item in menu_for(user) if item.url_name in FOUNDATION] == expected


@pytest.mark.parametrize("persona", EXPECTED)
def test_it_shows_an_entry_exactly_when_the_role_has_its_capability(request, persona):
    user = request.getfixturevalue(persona)
    shown = {item.url_name for item in menu_for(user)}
    for item in MENU:
        assert (item.url_name in shown) == (item.capability is None or has_capability(user, item.capability))


def test_it_shows_no_menu_to_anonymous_visitors():
    assert menu_for(AnonymousUser()) == []


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_it_renders_the_menu_on_the_home_page(client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    with translation.override("en"):
        response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        for url_name in FOUNDATION:
            link = f'href="{reverse(url_name)}"'
            assert (link in html) == (url_name in expected), url_name
    assert response.status_code == 200
