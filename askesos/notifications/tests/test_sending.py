from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from askesos.audit.models import AuditEvent
from askesos.core.errors import TransitionError
from askesos.notifications import rules
from askesos.notifications.backends import ConsoleBackend, FileBackend, HttpBackend, SendError
from askesos.notifications.models import Message, MessageStatus
from askesos.notifications.services import (
    message_claim,
    message_retry_now,
    message_send,
    notify,
    outbox_send_due,
)

CTX = {"amount": 15000, "period_from": "2027-01-01", "period_to": "2027-03-01", "receipt": "123"}


@pytest.fixture(autouse=True)
def _not_eager(settings):
    settings.ASKESOS_NOTIFY_EAGER = False


def _message(lpa_id=None, to="081234567890"):
    return notify(to_phone=to, template="payment_received", context=CTX, lpa_id=lpa_id)


class _Gateway(BaseHTTPRequestHandler):
    replies: list[int] = []
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            {"auth": self.headers["Authorization"], "body": json.loads(self.rfile.read(length))}
        )
        code = type(self).replies.pop(0)
        payload = json.dumps({"id": f"gw-{len(type(self).received)}"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    _Gateway.replies, _Gateway.received = [], []
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _Gateway
    server.shutdown()
    server.server_close()


def test_backoff_schedule_is_exact():
    assert [rules.backoff_delay(n) for n in range(1, 6)] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=25),
        dt.timedelta(minutes=125),
        None,
    ]


def test_console_backend_sends(db):
    message = _message()
    assert message_send(message_id=message.pk, backend=ConsoleBackend()) == MessageStatus.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_message_id) == (
        "sent",
        1,
        f"console-{message.pk}",
    )
    assert message.sent_at is not None


def test_file_backend_appends_json_lines(db, tmp_path):
    first, second = _message(), _message(to="+62 811 000 111")
    backend = FileBackend(tmp_path / "outbox.jsonl")
    assert outbox_send_due(backend=backend) == {"sent": 2}
    lines = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert lines == [
        {
            "id": str(first.pk),
            "channel": "sms",
            "to": "+6281234567890",
            "text": "Rp 15.000 diterima untuk Jan\u2013Mar 2027, kuitansi 123",
        },
        {
            "id": str(second.pk),
            "channel": "sms",
            "to": "+62811000111",
            "text": "Rp 15.000 diterima untuk Jan\u2013Mar 2027, kuitansi 123",
        },
    ]


def test_http_backend_200(db, gateway):
    server, handler = gateway
    handler.replies = [200]
    message = _message()
    backend = HttpBackend(url=f"http://127.0.0.1:{server.server_port}/send", token="s3cret", timeout=5)
    assert message_send(message_id=message.pk, backend=backend) == "sent"
    assert handler.received == [
        {
            "auth": "Bearer s3cret",
            "body": {
                "id": str(message.pk),
                "channel": "sms",
                "to": "+6281234567890",
                "text": "Rp 15.000 diterima untuk Jan\u2013Mar 2027, kuitansi 123",
            },
        }
    ]
    message.refresh_from_db()
    assert message.provider_message_id == "gw-1"


def test_http_backend_retries_5xx_then_succeeds(db, gateway):
    server, handler = gateway
    handler.replies = [500, 200]
    message = _message()
    backend = HttpBackend(url=f"http://127.0.0.1:{server.server_port}/send", token="t", timeout=5)
    now = timezone.now()
    assert message_send(message_id=message.pk, backend=backend, now=now) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("failed", 1, "HTTP 500")
    assert message.next_attempt_at == now + dt.timedelta(minutes=1)
    assert message_send(message_id=message.pk, backend=backend, now=now + dt.timedelta(seconds=30)) == ""
    assert outbox_send_due(backend=backend, now=now + dt.timedelta(minutes=1)) == {"sent": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert len(handler.received) == 2


def test_http_backend_400_is_dead_at_once(db, gateway):
    server, handler = gateway
    handler.replies = [400]
    message = _message()
    backend = HttpBackend(url=f"http://127.0.0.1:{server.server_port}/send", token="t", timeout=5)
    assert message_send(message_id=message.pk, backend=backend) == "dead"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("dead", 1, "HTTP 400")


def test_http_backend_timeout_and_refused_are_temporary(db):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)  # accepts the connection, never answers
    try:
        with pytest.raises(SendError) as err:
            HttpBackend(url=f"http://127.0.0.1:{sock.getsockname()[1]}/", token="t", timeout=0.3).send(
                _message()
            )
        assert err.value.permanent is False
    finally:
        sock.close()
    with pytest.raises(SendError) as err:
        HttpBackend(url="http://127.0.0.1:9/", token="t", timeout=0.3).send(_message())
    assert err.value.permanent is False


class _Failing:
    def send(self, message):
        raise SendError("gateway down")


def test_five_failures_make_a_message_dead_on_schedule(db):
    message = _message()
    now = timezone.now()
    waits = []
    for _ in range(5):
        message.refresh_from_db()
        status = message_send(message_id=message.pk, backend=_Failing(), now=message.next_attempt_at)
        message.refresh_from_db()
        waits.append(
            (
                status,
                round((message.next_attempt_at - now).total_seconds() / 60) if status == "failed" else None,
            )
        )
        now = message.next_attempt_at
    assert waits == [("failed", 1), ("failed", 5), ("failed", 25), ("failed", 125), ("dead", None)]
    assert message.attempts == 5


def test_compare_and_set_claims_a_message_once(db):
    message = _message()
    stale_copy = Message.objects.get(pk=message.pk)
    now = timezone.now()
    assert message_claim(message=message, now=now) is True
    assert message_claim(message=stale_copy, now=now) is False  # a second worker read it as queued too
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sending", 1)


def test_no_double_send_when_two_workers_race(db):
    sent = []

    class Recording:
        def send(self, m):
            sent.append(m.pk)
            # Meanwhile another worker tries the same message: its claim must fail.
            assert message_send(message_id=m.pk, backend=self) == ""
            return "x"

    message = _message()
    assert message_send(message_id=message.pk, backend=Recording()) == "sent"
    assert sent == [message.pk]


def test_stale_sending_is_retried_after_ten_minutes(db):
    message = _message()
    now = timezone.now()
    assert message_claim(message=message, now=now)
    assert (
        message_send(message_id=message.pk, backend=ConsoleBackend(), now=now + dt.timedelta(minutes=5)) == ""
    )
    assert (
        message_send(message_id=message.pk, backend=ConsoleBackend(), now=now + dt.timedelta(minutes=11))
        == "sent"
    )


def test_command_sends_once_with_limit(db, settings, tmp_path):
    settings.ASKESOS_NOTIFY_BACKEND = "file"
    settings.ASKESOS_NOTIFY_FILE = str(tmp_path / "out.jsonl")
    for _ in range(3):
        _message()
    call_command("send-notifications", "--once", "--limit", "2")
    assert Message.objects.filter(status="sent").count() == 2
    call_command("send-notifications", "--once")
    assert Message.objects.filter(status="sent").count() == 3
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 3


def test_retry_now_requeues_failed_and_dead(db, lpa_manager, lpa_jt01):
    message = _message(lpa_id=lpa_jt01.pk)
    message_send(message_id=message.pk, backend=_Failing())
    message.refresh_from_db()
    message_retry_now(message=message, actor=lpa_manager)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)
    assert AuditEvent.objects.filter(action="message.retry", lpa_id=lpa_jt01.pk).count() == 1
    with pytest.raises(TransitionError):
        message_retry_now(message=message, actor=lpa_manager)


def test_outbox_page_scope_and_retry(
    client, lpa_jt01, lpa_jt02, lpa_manager, dinsos_jaktim, outsider, auditor
):
    mine, other = _message(lpa_id=lpa_jt01.pk), _message(lpa_id=lpa_jt02.pk)
    message_send(message_id=other.pk, backend=_Failing())
    url = reverse("notifications:outbox")
    client.force_login(lpa_manager)
    assert [m.pk for m in client.get(url).context["page"]] == [mine.pk]
    assert client.post(reverse("notifications:retry", args=[other.pk])).status_code == 404
    client.force_login(dinsos_jaktim)
    response = client.get(url + "?status=failed")
    assert [m.pk for m in response.context["page"]] == [other.pk]
    assert (
        client.post(reverse("notifications:retry", args=[other.pk]), {"status": "failed"}).status_code == 302
    )
    other.refresh_from_db()
    assert other.status == "queued"
    client.force_login(outsider)
    assert list(client.get(url).context["page"]) == []
    client.force_login(auditor)
    assert client.get(url).status_code == 403


def test_message_row_is_the_row_notify_writes(lpa_jt01):
    from askesos.notifications.services import message_row

    message = notify(
        to_phone="0812 3456 7890",
        template="payment_received",
        context=CTX,
        lpa_id=lpa_jt01.pk,
        related_id="5",
    )
    row = message_row(
        to_phone="0812 3456 7890",
        template="payment_received",
        context=CTX,
        lpa_id=lpa_jt01.pk,
        region_id=lpa_jt01.kelurahan_id,
        related_id="5",
        message_id=message.pk,
        at=message.created_at,
    )
    stored = Message.objects.get(pk=message.pk)
    assert {k: getattr(stored, k) for k in row} == row


def test_an_eager_send_loses_to_a_worker_that_claimed_first(
    lpa_jt01, settings, django_capture_on_commit_callbacks
):
    settings.ASKESOS_NOTIFY_EAGER = True
    sent = []

    class Recording:
        def send(self, message):
            sent.append(message.pk)
            return "r"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _message(lpa_jt01.pk)
    assert message_send(message_id=message.pk, backend=Recording()) == "sent"  # the worker was first
    for callback in callbacks:
        callback()  # the eager send after commit: the claim fails, nothing is sent twice
    assert sent == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_message_id) == (MessageStatus.SENT, 1, "r")
