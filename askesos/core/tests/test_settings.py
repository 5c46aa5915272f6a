"""The env-driven settings: a wrong value stops the start with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from askesos.settings import database_config


def test_sqlite_keeps_its_connections_and_runs_in_wal_mode(monkeypatch):
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    config = database_config("sqlite:////tmp/x.sqlite3")
    assert (config["ENGINE"], config["NAME"]) == ("django.db.backends.sqlite3", "/tmp/x.sqlite3")
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (60, True)
    assert "PRAGMA journal_mode=WAL;" in config["OPTIONS"]["init_command"]


def test_the_connection_age_is_configurable(monkeypatch):
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    assert database_config("sqlite:////tmp/x.sqlite3")["CONN_MAX_AGE"] == 0
    assert database_config("postgres://u@127.0.0.1:5432/askesos")["CONN_MAX_AGE"] == 0


def test_an_unsupported_database_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured) as caught:
        database_config("mysql://root@127.0.0.1/askesos")
    assert str(caught.value) == (
        "DATABASE_URL uses engine 'django.db.backends.mysql'; "
        "Askesos supports sqlite:/// and postgres:// URLs only."
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean; use one of 1/0, true/false, yes/no, on/off."),
        ("SESSION_TIMEOUT_MINUTES", "an hour", "SESSION_TIMEOUT_MINUTES='an hour' is not a whole number."),
    ],
)
def test_the_command_stops_with_a_message_naming_the_setting(tmp_path, name, value, message):
    env = {**os.environ, "ASKESOS_VAR_DIR": str(tmp_path), name: value}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "askesos.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stderr.strip()) == (2, f"askesos: configuration error: {message}")
