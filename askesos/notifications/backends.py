"""How a message leaves the building. Chosen by ``settings.ASKESOS_NOTIFY_BACKEND``:

- ``console`` (default): logs the message; development and tests.
- ``file``: appends one JSON line per message to ``ASKESOS_NOTIFY_FILE`` (default ``var/outbox.jsonl``).
- ``http``: POSTs JSON to ``ASKESOS_NOTIFY_URL`` with ``Authorization: Bearer ASKESOS_NOTIFY_TOKEN``
  (an SMS/WhatsApp gateway). 5xx, 429, timeouts and network errors are temporary (retried);
  other 4xx are permanent (the message is dead).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings

from askesos.notifications.models import Message

logger = logging.getLogger("askesos.notifications")


class SendError(Exception):
    """Sending failed. ``permanent`` failures are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Backend(Protocol):
    def send(self, message: Message) -> str:
        """Send; return the provider's message id ("" if none); raise ``SendError`` on failure."""


def _payload(message: Message) -> dict[str, str]:
    return {"id": str(message.pk), "channel": message.channel, "to": message.to, "text": message.body}


class ConsoleBackend:
    def send(self, message: Message) -> str:
        logger.info("notify %s to %s: %s", message.channel, message.to, message.body)
        return f"console-{message.pk}"


class FileBackend:
    def __init__(self, path: Path | str | None = None) -> None:
        default = Path(settings.VAR_DIR) / "outbox.jsonl"
        self.path = Path(path or getattr(settings, "ASKESOS_NOTIFY_FILE", None) or default)

    def send(self, message: Message) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(_payload(message), ensure_ascii=False) + "\n")
        return f"file-{message.pk}"


class HttpBackend:
    def __init__(
        self, url: str | None = None, token: str | None = None, timeout: float | None = None
    ) -> None:
        self.url = url or getattr(settings, "ASKESOS_NOTIFY_URL", "")
        self.token = token if token is not None else getattr(settings, "ASKESOS_NOTIFY_TOKEN", "")
        self.timeout = timeout or float(getattr(settings, "ASKESOS_NOTIFY_TIMEOUT", 10))

    def send(self, message: Message) -> str:
        if not self.url:
            raise SendError("ASKESOS_NOTIFY_URL is not set")
        request = urllib.request.Request(
            self.url,
            data=json.dumps(_payload(message)).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(65536)
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise SendError(f"HTTP {exc.code}", permanent=permanent) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise SendError(f"network: {exc}") from None
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return ""
        return str(data.get("id", "")) if isinstance(data, dict) else ""


BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "http": HttpBackend}


def get_backend(name: str | None = None) -> Backend:
    name = name or str(getattr(settings, "ASKESOS_NOTIFY_BACKEND", "console"))
    try:
        return BACKENDS[name]()
    except KeyError:
        raise SendError(f"unknown notification backend {name!r}", permanent=False) from None
