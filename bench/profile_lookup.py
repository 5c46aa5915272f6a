"""CPU and SQL per request of the member lookup (``GET /api/v1/members/{number}``), in-process.

Not a load test: it calls Django's WSGI application directly (the whole middleware stack, the
production settings ``bench_api``'s server uses: DEBUG=0, a random SECRET_KEY, the file cache, the
database connection closed after every request as under gunicorn) sequentially, so the numbers are
the server's own CPU per request, unaffected by the load other processes put on the machine.

    uv run python -m bench.profile_lookup --prepare 10000 [--db postgres]  # a populated db + token
    uv run python -m bench.profile_lookup --requests 2000 [--cprofile 30] [--conn-max-age 60]

Prints CPU ms per request (``time.process_time``), SQL statements per request (the statements of
one request are listed), the status counts, and with ``--cprofile N`` the N functions with the
largest cumulative and own CPU time. ``--conn-max-age S`` overrides the database's CONN_MAX_AGE
(the settings force 0 on SQLite: a new connection, and a parse of the whole schema, per request)
to measure what persistent connections would save.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT, reset_database_fast, run_child_measured

STATE = Path("/tmp/askesos-profile-lookup.json")


def prepare(n: int, db: str) -> None:
    url = reset_database_fast(db, "profile-lookup")  # PostgreSQL: $BENCH_PG_URL (use a private one)
    info, _ = run_child_measured(
        "bench_api", "--populate", str(n), env={"DATABASE_URL": url, "ASKESOS_TESTING": "1"}
    )
    STATE.write_text(json.dumps({"url": url, "n": n, "token": info["lookup_token"]}))
    print(f"prepared {n} members in {url}")


def child(args: argparse.Namespace) -> None:
    import random

    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from askesos.membership.rules import format_member_number

    state = json.loads(STATE.read_text())
    if args.conn_max_age is not None:  # what-if: settings force CONN_MAX_AGE=0 on SQLite
        from django.conf import settings

        settings.DATABASES["default"]["CONN_MAX_AGE"] = args.conn_max_age
    app = get_wsgi_application()
    rng = random.Random(7)
    paths = [
        f"/api/v1/members/{format_member_number('3175', rng.randint(1, state['n']))}"
        for _ in range(args.requests)
    ]
    token = args.token or state["token"]

    def environ(path: str) -> dict[str, object]:
        import io

        return {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_ACCEPT": "*/*", "HTTP_USER_AGENT": "bench",
        }  # fmt: skip

    statuses: dict[str, int] = {}

    def call(path: str) -> None:
        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            statuses[status[:3]] = statuses.get(status[:3], 0) + 1

        body = app(environ(path), start_response)
        b"".join(body)
        body.close()  # request_finished: the connection closes, as under gunicorn

    for p in paths[:200]:  # warm-up: imports, URL resolver, templates of nothing
        call(p)
    statuses.clear()

    queries: list[list[str]] = []
    current: list[str] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        current.append(sql)
        return execute(sql, params, many, context)

    from django.db.backends.signals import connection_created

    # A new connection every request (CONN_MAX_AGE=0 on SQLite): each one gets the wrapper.

    def on_connect(sender: object, connection: object, **kwargs: object) -> None:
        if wrapper not in connection.execute_wrappers:  # type: ignore[attr-defined]
            connection.execute_wrappers.append(wrapper)  # type: ignore[attr-defined]

    connection_created.connect(on_connect)
    if connection.connection is not None:
        connection.execute_wrappers.append(wrapper)

    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for p in paths:
        current = []
        call(p)
        queries.append(current)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    counts = sorted(len(q) for q in queries)
    out = {
        "requests": len(paths), "statuses": statuses,
        "cpu_ms_per_request": cpu / len(paths) * 1000, "wall_ms_per_request": wall / len(paths) * 1000,
        "sql_per_request_min": counts[0], "sql_per_request_median": counts[len(counts) // 2],
        "sql_per_request_max": counts[-1], "profiled": bool(profiler),
    }  # fmt: skip
    print("SQL of one request:")
    for sql in queries[len(queries) // 2]:
        print("   ", sql[:200])
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepare", type=int)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--cprofile", type=int, default=0)
    parser.add_argument("--token", default="")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--conn-max-age", type=int, help="override the database CONN_MAX_AGE (what-if)")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.db)
        return
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "askesos.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        child(args)
        return
    state = json.loads(STATE.read_text())
    var = tempfile.mkdtemp(prefix="askesos-profile-var-")
    env = {k: v for k, v in os.environ.items() if k not in ("ASKESOS_TESTING", "DEBUG")}
    env.update(
        DATABASE_URL=state["url"], DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="127.0.0.1",
        ASKESOS_API_RATE="1000000/m", ASKESOS_NOTIFY_EAGER="0", ASKESOS_VAR_DIR=var, LOG_LEVEL="WARNING",
    )  # fmt: skip
    cmd = [sys.executable, "-m", "bench.profile_lookup", "--child", "--requests", str(args.requests),
           "--cprofile", str(args.cprofile), "--token", args.token]  # fmt: skip
    if args.conn_max_age is not None:
        cmd += ["--conn-max-age", str(args.conn_max_age)]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
