from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.indonesian

LOCALE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"


def test_it_serves_indonesian_by_default(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="id">' in html
    assert "<h1>Masuk</h1>" in html
    assert "Nama pengguna" in html
    assert "Kata sandi" in html


def test_it_switches_to_english_and_back(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    client.post("/i18n/setlang/", {"language": "id", "next": "/accounts/login/"})
    assert "<h1>Masuk</h1>" in client.get("/accounts/login/").content.decode()


def test_it_translates_the_signed_in_pages(client, dinsos_jaktim):
    client.force_login(dinsos_jaktim)
    html = client.get("/regions/31.75/").content.decode()
    assert ">Keluar</button>" in html
    assert ">Wilayah</a>" in html
    assert "<h2>Pekerja informal</h2>" in html


def test_it_has_a_translation_for_every_message():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert (untranslated, fuzzy) == ([], [])
    assert len(po.translated_entries()) > 100


def test_it_commits_a_compiled_catalogue_that_matches_the_po():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))

    def catalogue(entries):
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in entries
            if e.msgid
        }

    assert catalogue(mo) == catalogue(po.translated_entries())
