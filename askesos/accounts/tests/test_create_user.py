from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from askesos.accounts.models import User
from askesos.audit.models import AuditEvent

STRONG = "kampung-melayu-77"


def test_it_creates_a_regional_user(db, capsys):
    call_command(
        "create-user", "dinsos_timur", "--role", "dinsos_officer", "--region", "31.75", "--password", STRONG
    )
    user = User.objects.get(username="dinsos_timur")
    assert (user.role, user.national_scope) == ("dinsos_officer", False)
    assert [r.code for r in user.scope_regions.all()] == ["31.75"]
    assert user.check_password(STRONG)
    assert capsys.readouterr().out == "Created dinsos_timur (dinsos_officer; scope: 31.75).\n"
    event = AuditEvent.objects.get(action="user.create")
    assert event.new == {
        "username": "dinsos_timur",
        "role": "dinsos_officer",
        "national_scope": False,
        "regions": ["31.75"],
        "lpas": [],
    }


def test_it_creates_national_and_lpa_users(db, lpa_jt01):
    call_command("create-user", "admin", "--role", "kemensos_admin", "--national", "--password", STRONG)
    call_command("create-user", "mgr", "--role", "lpa_manager", "--lpa", "LPA-JT-01", "--password", STRONG)
    assert User.objects.get(username="admin").national_scope is True
    assert list(User.objects.get(username="mgr").scope_lpas.values_list("code", flat=True)) == ["LPA-JT-01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "dinsos_officer", "--region", "31.99"], "Unknown region code: 31.99"),
        (["--role", "lpa_manager", "--lpa", "LPA-XX-99"], "Unknown LPA code: LPA-XX-99"),
        (["--role", "dinsos_officer"], "Give the user a scope: national, regions or LPAs."),
        (["--role", "member", "--national"], "Members have no region or LPA scope."),
    ],
)
def test_it_refuses_bad_scopes(db, args, message):
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("create-user", "someone", *args, "--password", STRONG)
    assert str(caught.value) == message
    assert not User.objects.filter(username="someone").exists()


def test_it_refuses_weak_passwords_and_taken_names(db, dinsos_jaktim):
    with pytest.raises(CommandError):
        call_command("create-user", "x1", "--role", "auditor", "--national", "--password", "12345")
    with pytest.raises(CommandError):
        call_command("create-user", "dinsos_jaktim", "--role", "auditor", "--national", "--password", STRONG)
    assert not User.objects.filter(username="x1").exists()


def test_it_needs_a_terminal_to_ask_for_the_password(db, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--password"):
        call_command("create-user", "x2", "--role", "auditor", "--national")
