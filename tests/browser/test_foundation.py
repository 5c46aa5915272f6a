"""Journeys of the foundation: log in on a phone, find your way by role, switch language, browse regions."""

from __future__ import annotations

from tests.browser.conftest import login, screenshot


def test_it_logs_in_on_a_phone_in_indonesian_and_switches_to_english(phone_page, dinsos_jaktim):
    page = phone_page
    page.goto("/")
    assert page.url.endswith("/accounts/login/?next=/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Masuk"
    login(page, "dinsos_jaktim")
    # On a phone the menu is folded away until opened.
    menu = page.locator("details.mainnav")
    assert menu.get_attribute("open") is None
    page.click("details.mainnav > summary")
    assert page.locator(".mainnav nav a", has_text="Wilayah").is_visible()
    # Nothing overflows a 360 px screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "foundation-home-phone-id")

    page.click("button[name=language][value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("details.mainnav > summary")
    assert page.locator(".mainnav nav a", has_text="Regions").is_visible()
    screenshot(page, "foundation-home-phone-en")


def test_it_browses_regions_with_denominators(desktop_page, dinsos_jaktim, kemensos_admin):
    from askesos.regions.services import seed_east_jakarta_estimates

    seed_east_jakarta_estimates()
    page = desktop_page
    login(page, "dinsos_jaktim")
    page.goto("/regions/31.75/")
    body = page.locator("main").inner_text()
    assert "Jakarta Timur" in body
    for kecamatan in [
        "Matraman",
        "Pulogadung",
        "Jatinegara",
        "Kramatjati",
        "Pasar Rebo",
        "Cakung",
        "Duren Sawit",
        "Makasar",
        "Ciracas",
        "Cipayung",
    ]:
        assert kecamatan in body, kecamatan
    screenshot(page, "foundation-regions-desktop")


def test_it_locks_out_after_repeated_failed_logins(phone_page, officer):
    page = phone_page
    for _ in range(5):
        login(page, "officer", "wrong-password")
    login(page, "officer")
    assert page.locator("h1").inner_text() != "Masuk"
    assert "/accounts/login/" in page.url
    screenshot(page, "foundation-lockout-phone")
