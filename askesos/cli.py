"""The ``askesos`` command.

``askesos demo``   set up the East Jakarta demo on the default SQLite database and serve it.
``askesos serve``  production-style server (gunicorn) on $ASKESOS_BIND (default 127.0.0.1:8000).
``askesos <cmd>``  any Django management command: ``askesos migrate``, ``askesos createsuperuser``...
"""

from __future__ import annotations

import os
import sys


def _setup_env(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "askesos.settings")
    if argv and argv[0] == "demo":
        # The demo is a local, single-user run: development settings unless told otherwise.
        os.environ.setdefault("DEBUG", "1")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "manage":  # manage.py passes through here
        args = args[1:]
    _setup_env(args)
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"askesos: configuration error: {exc}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["askesos", *(args or ["help"])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
