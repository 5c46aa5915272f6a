"""Shared machinery for the benchmarks (not part of the test suite).

Each benchmark runs the real work through Askesos' own code and, in the same run and on the same
database, a raw-SQL "floor" doing the same work; it reports both and their ratio, plus peak memory.
Each measurement runs in a fresh child process so that peak RSS belongs to that work alone.

Databases: ``sqlite`` (a file under /tmp) and ``postgres`` (database ``askesos_bench`` on
127.0.0.1:5432, recreated per run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/askesos_bench")


def database_url(db: str, tag: str) -> str:
    if db == "sqlite":
        return f"sqlite:////tmp/askesos-bench-{tag}.sqlite3"
    if db == "postgres":
        return PG_URL
    raise SystemExit(f"unknown database {db!r}: use sqlite or postgres")


def _schema_key() -> str:
    """Changes whenever a migration or the regions data changes: the key of the cached template."""
    import hashlib

    digest = hashlib.sha256(",".join(REGION_PROVINCES).encode())
    for path in sorted([*ROOT.glob("askesos/*/migrations/*.py"), *(ROOT / "askesos" / "regions").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def reset_database_fast(db: str, tag: str) -> str:
    """Like ``reset_database`` but restores a cached copy of the migrated database with regions when
    the migrations have not changed (a migrate + load-regions takes ~30 s on a busy 2-core machine):
    a file copy for SQLite, ``pg_restore`` of a ``pg_dump`` for PostgreSQL."""
    import shutil

    url = database_url(db, tag)
    key = _schema_key()
    if db == "sqlite":
        template = Path(f"/tmp/askesos-bench-template-{key}.sqlite3")
        target = Path(url.removeprefix("sqlite:///"))
        if template.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(template, target)
            return url
        reset_database(db, tag)
        subprocess.run(["sqlite3", str(target), "PRAGMA wal_checkpoint(TRUNCATE);"], capture_output=True)
        shutil.copyfile(target, template.with_suffix(".tmp"))
        os.replace(template.with_suffix(".tmp"), template)
        return url
    template = Path(f"/tmp/askesos-bench-template-{key}.pgdump")
    if not template.exists():
        reset_database(db, tag)
        subprocess.run(["pg_dump", "-Fc", "-f", f"{template}.tmp", url], check=True, capture_output=True)
        os.replace(f"{template}.tmp", template)
        return url
    name = url.rsplit("/", 1)[1]
    base = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", base, "-qc", sql], check=True, capture_output=True)
    subprocess.run(["pg_restore", "--no-owner", "-d", url, str(template)], check=True, capture_output=True)
    subprocess.run(["psql", url, "-qc", "ANALYZE"], check=True, capture_output=True)
    return url


# The regions loaded into every bench database: all of Indonesia (91,599 regions, 7 s), as production
# holds them. ``BENCH_PROVINCES=31`` loads DKI Jakarta only (318 regions): quicker, but then the
# PostgreSQL planner checks the region foreign keys by scanning that small table instead of its index,
# which is not what a production database does.
REGION_PROVINCES = [code for code in os.environ.get("BENCH_PROVINCES", "").split(",") if code]


def reset_database(db: str, tag: str) -> str:
    """A fresh, migrated database with the regions of Indonesia (``REGION_PROVINCES``); returns its URL."""
    url = database_url(db, tag)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"/tmp/askesos-bench-{tag}.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        base = url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", base, "-qc", sql], check=True, capture_output=True)
    env = {**os.environ, "DATABASE_URL": url, "ASKESOS_TESTING": "1"}
    subprocess.run([sys.executable, "-m", "askesos.cli", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    provinces = [arg for code in REGION_PROVINCES for arg in ("--province", code)]
    subprocess.run(
        [sys.executable, "-m", "askesos.cli", "load-regions", *provinces],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return url


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("ASKESOS_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "askesos.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    elapsed: list[float] = []
    yield lambda: elapsed[0] if elapsed else time.perf_counter() - start
    elapsed.append(time.perf_counter() - start)


def run_child(module: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``python -m bench.<module> ARGS`` and parse the JSON it prints on its last line."""
    out = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_child_measured(
    module: str, *args: str, env: dict[str, str] | None = None, timeout: float | None = None
) -> tuple[dict[str, object], float]:
    """Like ``run_child`` but also returns the child's peak RSS in MB (``wait4`` rusage of that
    process alone, its waited-for descendants included), so a module that does not report its own
    memory still gets a peak-memory figure."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", f"bench.{module}", *args],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=err,
            text=True,
        )
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(
            proc.returncode, f"bench.{module} {' '.join(args)}", stdout, stderr
        )
    return json.loads(stdout.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of an already sorted list; NaN when empty."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), int(-(-q * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


@dataclass
class Result:
    work: str
    db: str
    size: int
    seconds: float
    floor_seconds: float
    peak_mb: float
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.floor_seconds else float("nan")

    def row(self) -> str:
        rate = self.size / self.seconds if self.seconds else 0
        return (
            f"| {self.work} | {self.db} | {self.size:,} | {self.seconds:.2f} s | {rate:,.0f}/s | "
            f"{self.floor_seconds:.2f} s | {self.ratio:.2f}\N{MULTIPLICATION SIGN} | {self.peak_mb:.0f} MB |"
        )


HEADER = (
    "| work | database | size | Askesos | rate | raw-SQL floor | ratio | peak memory |\n"
    "|---|---|---|---|---|---|---|---|"
)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu} \N{MULTIPLICATION SIGN} {os.cpu_count()}",
        "memory": f"{mem:.0f} GiB",
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_results(name: str, results: list[Result]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"machine": machine(), "results": [asdict(r) | {"ratio": r.ratio} for r in results]}
    path.write_text(json.dumps(payload, indent=2))
    return path
