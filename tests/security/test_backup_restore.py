"""``askesos backup`` / ``askesos restore`` on the database under test (SQLite or PostgreSQL):
members, payments and claims (with their uploaded documents) come back with identical values."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict


def snapshot() -> dict[str, list[dict]]:  # type: ignore[type-arg]
    from askesos.claims.models import Claim, ClaimAttachment
    from askesos.contributions.models import Payment
    from askesos.membership.models import Membership
    from askesos.registry.models import Heir, Person

    def rows(model) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
        return [
            {
                **model_to_dict(obj),
                "pk": obj.pk,
                **{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields},
            }
            for obj in model.objects.order_by("pk")
        ]

    return {m.__name__: rows(m) for m in (Person, Heir, Membership, Payment, Claim, ClaimAttachment)}


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_wipes_and_restores_members_payments_and_claims(world, tmp_path, settings, capsys):
    from askesos.claims.models import ClaimAttachment
    from askesos.membership.models import Membership

    before = snapshot()
    assert [len(before[k]) for k in ("Membership", "Payment", "Claim", "ClaimAttachment")] == [1, 1, 1, 1]
    document = Path(settings.MEDIA_ROOT) / ClaimAttachment.objects.get().file.name
    content = document.read_bytes()

    archive = tmp_path / "backups" / "askesos.tar.gz"
    call_command("backup", str(archive))
    assert "Backup written to" in capsys.readouterr().out

    call_command("flush", interactive=False)
    document.unlink()
    assert Membership.objects.count() == 0

    call_command("restore", str(archive), yes=True)
    assert snapshot() == before
    assert document.read_bytes() == content
    assert Membership.objects.get().member_number == world.membership.member_number


def test_it_refuses_an_archive_that_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar at all")
    with pytest.raises(CommandError, match="not a readable Askesos backup"):
        call_command("restore", str(junk), yes=True)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)
