from __future__ import annotations

import pytest
from django.urls import reverse

from askesos.accounts.models import User

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-9"  # the personas' password (conftest)


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.5")


def test_it_logs_in_and_lands_on_home(client, dinsos_jaktim):
    response = attempt(client, "dinsos_jaktim", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


@pytest.mark.indonesian
def test_it_locks_username_and_ip_after_five_failures(client, dinsos_jaktim):
    for _ in range(4):
        assert attempt(client, "dinsos_jaktim", "wrong-password").status_code == 200
    fifth = attempt(client, "dinsos_jaktim", "wrong-password")
    assert fifth.status_code == 429
    right = attempt(client, "dinsos_jaktim", PASSWORD)
    assert right.status_code == 429  # AXES_HTTP_RESPONSE_CODE default
    assert "accounts/locked_out.html" in [t.name for t in right.templates]
    assert "<h1>Terlalu banyak percobaan masuk yang gagal</h1>" in right.content.decode()
    assert "_auth_user_id" not in client.session
    # the lock is per username+IP: the same user from another address may still log in
    other_ip = client.post(LOGIN, {"username": "dinsos_jaktim", "password": PASSWORD}, REMOTE_ADDR="10.0.0.6")
    assert other_ip.status_code == 302


def test_it_resets_failures_after_a_successful_login(client, dinsos_jaktim):
    for _ in range(4):
        attempt(client, "dinsos_jaktim", "wrong-password")
    assert attempt(client, "dinsos_jaktim", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "dinsos_jaktim", "wrong-password").status_code == 200
    assert attempt(client, "dinsos_jaktim", PASSWORD).status_code == 302


def test_it_logs_out_only_by_post(client, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_it_changes_the_password(client, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "tanah-abang-2025!",
            "new_password2": "tanah-abang-2025!",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_done")
    dinsos_jaktim.refresh_from_db()
    assert dinsos_jaktim.check_password("tanah-abang-2025!")
    assert client.get(reverse("core:home")).status_code == 200  # still signed in


def test_it_enforces_the_password_rules(client, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    for weak in ["short1", "1234567890123", "password123", "dinsos_jaktim1"]:
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["new_password2"]
    assert User.objects.get(pk=dinsos_jaktim.pk).check_password(PASSWORD)


def test_it_refuses_a_wrong_old_password(client, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "tanah-abang-2025!", "new_password2": "tanah-abang-2025!"},
    )
    assert list(response.context["form"].errors) == ["old_password"]
