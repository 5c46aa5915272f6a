"""Backup and restore: the database and the uploaded files (MEDIA_ROOT) in one ``.tar.gz``.

The archive holds ``manifest.json``, the database (``database.sqlite3``, made with SQLite's online
backup API so it is consistent while the server runs; or ``database.pgdump``, ``pg_dump -Fc``) and
``media/``. Restore replaces the database's contents with the archive's (SQLite: the backup API in
the other direction; PostgreSQL: ``pg_restore --clean --if-exists``) and writes the media files back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

FORMAT = "askesos-backup-1"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise ImproperlyConfigured(f"backup supports SQLite and PostgreSQL, not {vendor}")
    return vendor


def pg_env(config: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from a Django DATABASES entry."""
    args = []
    if config.get("HOST"):
        args += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return [*args, "--no-password", "--dbname", str(config["NAME"])], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _dump_database(alias: str, target: Path) -> str:
    connection = connections[alias]
    if _vendor(alias) == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / SQLITE_FILE)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return SQLITE_FILE
    args, env = pg_env(connection.settings_dict)
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target / PG_FILE), *args], env)
    return PG_FILE


def backup_create(path: Path, *, alias: str = "default") -> dict[str, Any]:
    """Write the database and MEDIA_ROOT to ``path`` (a .tar.gz); returns the manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="askesos-backup-") as tmp:
        work = Path(tmp)
        database_file = _dump_database(alias, work)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "vendor": connections[alias].vendor,
            "database_file": database_file,
            "media_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.is_dir() else 0,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(work / database_file, arcname=database_file)
            if media.is_dir():
                archive.add(media, arcname="media")
        partial.replace(path)  # never leave a half-written archive under the real name
    return manifest


def _load_database(alias: str, source: Path, manifest: dict[str, Any]) -> None:
    vendor = _vendor(alias)
    if manifest.get("vendor") != vendor:
        raise BackupError(f"this backup is of a {manifest.get('vendor')} database; the target is {vendor}")
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("cannot restore inside a transaction")
        origin = sqlite3.connect(source / SQLITE_FILE)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    connection.close()  # pg_restore drops and recreates the tables this connection may have open
    args, env = pg_env(connection.settings_dict)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(source / PG_FILE),
        ],
        env,
    )


def backup_restore(path: Path, *, alias: str = "default") -> dict[str, Any]:
    """Replace the database's contents with the backup's and write its media files back."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="askesos-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(work, filter="data")  # refuses absolute paths, .., devices, links out
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{path} is not a readable Askesos backup: {exc}") from None
        try:
            manifest = json.loads((work / "manifest.json").read_text())
        except (OSError, ValueError):
            raise BackupError(f"{path} has no manifest.json; is it an Askesos backup?") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is in format {manifest.get('format')!r}, expected {FORMAT}")
        _load_database(alias, work, manifest)
        if (work / "media").is_dir():
            shutil.copytree(work / "media", Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    return manifest
