"""The member lookup's fast path (``GET /api/v1/members/{number}``): the per-process token cache
never outlives a revoke, a deactivation or a change of role or scope; every answer is audited with
one INSERT; the query count stays flat; the rate limit still holds when counted in batches."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from askesos.accounts.models import User
from askesos.api.models import ApiToken
from askesos.audit.models import AuditEvent

NOT_FOUND = {"code": "not_found", "message": "Not found.", "field": None}


@pytest.fixture
def member(lpa_manager, lpa_jt01, enrolled):
    return enrolled(lpa_jt01, lpa_manager)


@pytest.fixture
def bearer(token_for):
    def make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {token_for(user)}"})

    return make


def _get(client: Client, member: Any) -> int:
    return client.get(f"/api/v1/members/{member.member_number}").status_code


def test_a_token_revoked_elsewhere_stops_working_on_the_next_request(bearer, dinsos_jaktim, member):
    client = bearer(dinsos_jaktim)
    assert [_get(client, member), _get(client, member)] == [200, 200]  # the second from the cache
    # As another server process (or a shell) would: no signal, no call into this process.
    ApiToken.objects.filter(user=dinsos_jaktim).update(revoked_at=timezone.now())
    assert _get(client, member) == 401


def test_a_user_deactivated_elsewhere_is_refused_on_the_next_request(bearer, dinsos_jaktim, member):
    client = bearer(dinsos_jaktim)
    assert [_get(client, member), _get(client, member)] == [200, 200]
    User.objects.filter(pk=dinsos_jaktim.pk).update(is_active=False)
    assert _get(client, member) == 401
    User.objects.filter(pk=dinsos_jaktim.pk).update(is_active=True)
    assert _get(client, member) == 200


def test_a_scope_change_takes_effect_on_the_next_request(bearer, dinsos_jaktim, member, region, lpa_jt01):
    client = bearer(dinsos_jaktim)
    assert [_get(client, member), _get(client, member)] == [200, 200]
    dinsos_jaktim.scope_regions.set([region("31.73")])  # Jakarta Barat only
    response = client.get(f"/api/v1/members/{member.member_number}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    dinsos_jaktim.scope_lpas.set([lpa_jt01])  # the member's LPA: in scope again
    assert _get(client, member) == 200
    dinsos_jaktim.scope_lpas.clear()
    dinsos_jaktim.scope_regions.clear()
    assert _get(client, member) == 404
    User.objects.filter(pk=dinsos_jaktim.pk).update(national_scope=True)
    assert _get(client, member) == 200


def test_a_role_change_takes_effect_on_the_next_request(bearer, dinsos_jaktim, member):
    client = bearer(dinsos_jaktim)
    assert [_get(client, member), _get(client, member)] == [200, 200]
    User.objects.filter(pk=dinsos_jaktim.pk).update(role="member")
    assert _get(client, member) == 403


def test_another_users_scope_is_never_reused(bearer, dinsos_jaktim, dinsos_jakbar, member):
    jaktim, jakbar = bearer(dinsos_jaktim), bearer(dinsos_jakbar)
    assert [_get(jaktim, member), _get(jakbar, member), _get(jaktim, member), _get(jakbar, member)] == [
        200,
        404,
        200,
        404,
    ]


def test_a_forged_token_with_a_real_prefix_is_refused_even_when_the_real_one_is_cached(
    bearer, token_for, dinsos_jaktim, member
):
    raw = token_for(dinsos_jaktim)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert _get(client, member) == 200
    forged = raw[:-4] + ("aaaa" if not raw.endswith("aaaa") else "bbbb")
    assert _get(Client(headers={"Authorization": f"Bearer {forged}"}), member) == 401


def test_every_answer_is_audited_once_and_a_refusal_not_at_all(bearer, dinsos_jaktim, dinsos_jakbar, member):
    client = bearer(dinsos_jaktim)
    before = AuditEvent.objects.filter(action="membership.view").count()
    first = client.get(f"/api/v1/members/{member.member_number}")
    client.get(f"/api/v1/members/{member.member_number.replace('-', '')}")  # separators optional
    assert _get(bearer(dinsos_jakbar), member) == 404  # outside scope: nothing was seen
    assert client.get("/api/v1/members/3175-0000000-1").status_code == 404  # no such member
    views = list(AuditEvent.objects.filter(action="membership.view").order_by("id"))[before:]
    assert len(views) == 2
    event = views[0]
    assert (event.actor_id, event.actor_label, event.object_type, event.object_id, event.object_label) == (
        dinsos_jaktim.pk,
        "dinsos_jaktim",
        "membership.membership",
        str(member.pk),
        member.member_number,
    )
    assert (event.region_id, event.lpa_id) == (member.region_id, member.lpa_id)
    assert event.request_id == first["X-Request-ID"]
    assert abs((timezone.now() - event.at).total_seconds()) < 60
    assert (event.old, event.new, event.reason) == (None, None, "")


def test_the_audit_label_follows_a_renamed_user(bearer, dinsos_jaktim, member):
    client = bearer(dinsos_jaktim)
    assert [_get(client, member), _get(client, member)] == [200, 200]
    User.objects.filter(pk=dinsos_jaktim.pk).update(username="dinsos_timur")
    assert _get(client, member) == 200
    latest = AuditEvent.objects.filter(action="membership.view").order_by("-id").first()
    assert latest is not None
    assert latest.actor_label == "dinsos_timur"


def test_lookups_and_person_reads_are_audited_too(api, lpa_manager, member):
    client = api(lpa_manager)
    assert client.get(f"/api/v1/persons/{member.person_id}").status_code == 200
    nik = {"nik": member.person.nik}
    assert client.post("/api/v1/members/lookup", nik, content_type="application/json").status_code == 200
    assert client.post("/api/v1/persons/lookup", nik, content_type="application/json").status_code == 200
    events = AuditEvent.objects.filter(actor=lpa_manager, action__in=["person.view", "membership.view"])
    assert sorted(events.values_list("action", "object_id", "lpa_id")) == [
        ("membership.view", str(member.pk), member.lpa_id),
        ("person.view", str(member.person_id), member.lpa_id),
        ("person.view", str(member.person_id), member.lpa_id),
    ]


def test_the_fast_answer_is_the_serializers_answer(bearer, dinsos_jaktim, lpa_manager, member, auditor):
    from askesos.api import serializers
    from askesos.membership.models import Membership

    row = Membership.objects.select_related("person", "lpa", "scheme").get(pk=member.pk)
    for user, show_nik in ((dinsos_jaktim, True), (auditor, False)):
        body = bearer(user).get(f"/api/v1/members/{member.member_number}").json()
        assert body == serializers.member(row, show_nik=show_nik)


def test_the_query_count_is_flat(
    bearer, dinsos_jaktim, lpa_manager, lpa_jt01, enrolled, django_assert_num_queries
):
    members = [enrolled(lpa_jt01, lpa_manager) for _ in range(3)]
    client = bearer(dinsos_jaktim)
    _get(client, members[0])  # builds the cache entry and compiles the scoped query
    for m in members:
        # the token check, the member, the audit event's INSERT: nothing else
        with django_assert_num_queries(3) as captured:
            assert _get(client, m) == 200
        assert captured.captured_queries[2]["sql"].startswith('INSERT INTO "audit_auditevent"')


def test_the_batched_rate_limit_is_exact_in_one_process(settings):
    from askesos.api.errors import ApiError
    from askesos.api.ratelimit import batch_size, rate_check

    settings.ASKESOS_API_RATE = "1000/m"
    assert batch_size(1000) == 10
    moment = 120.0 * 60  # the start of a window
    for i in range(1000):
        rate_check("u-batch", now=moment + i * 0.01)
    with pytest.raises(ApiError) as refused:
        rate_check("u-batch", now=moment + 20)
    assert refused.value.status == 429
    # Nearly everything reached the shared counter (at most one batch is still in this process).
    assert 1000 - 10 < cache.get(f"askesos:api-rate:u-batch:{int(moment // 60)}") <= 1001


def test_the_batched_rate_limit_sees_other_processes_within_a_batch(settings):
    from askesos.api.errors import ApiError
    from askesos.api.ratelimit import rate_check

    settings.ASKESOS_API_RATE = "1000/m"
    moment = 240.0 * 60
    key = f"askesos:api-rate:u-other:{int(moment // 60)}"
    rate_check("u-other", now=moment)  # ours: still in this process's batch
    cache.set(key, 990)  # other processes: 990 requests so far
    admitted = 0
    for _ in range(100):
        try:
            rate_check("u-other", now=moment + 1)
        except ApiError as exc:
            refused = exc
            break
        admitted += 1
    assert refused.status == 429
    total = 990 + 1 + admitted
    assert 1000 <= total <= 1000 + 9  # the limit, overshot by at most one batch less one
