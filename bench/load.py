"""Load benchmark of the list pages (not a test): gunicorn with DEBUG off, a full round of data,
wrk at 16 connections for 20 s per page, logged in as the role that uses the page.

    .venv/bin/python bench/load.py [--seconds 20] [--connections 16] [--database-url URL] [--port N]
                                   [--cache-url redis://127.0.0.1:6379/3]

Needs wrk (Debian package, installed by `make setup-dev`), PostgreSQL on 127.0.0.1:5432 and
Redis on 127.0.0.1:6379 (the production set-up of docs/operations.md: sessions, the logged-in
person and the busiest pages' bodies in the shared cache, core/pages.py). Every page is measured
twice: as deployed, where wrk's repeated requests find the page kept (nothing changes the data
meanwhile), and with DIBIAO_PAGE_CACHE=0, every page rendered in full as on the first request
after a change. Writes its numbers into bench/RESULTS.md between the "load" markers.

Two reference rows come first, served by the same gunicorn (bench/wsgi.py adds bench/urls.py
to the product's URLs for this run only): a bare Django view rendering a 50-row table (no
login, no database), what this machine does for Django at all; and the product's empty page
(base.html, logged in: session, user, navigation, unread notices), the least any page costs.
Other processes on the machine lower every row alike: read the pages against these two, and
mind the load average printed with the table.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
WORKERS = (os.cpu_count() or 1) * 2 + 1  # gunicorn's advice, as in production (sync workers)
BASELINE = "/bench/baseline/ django_language=zh-hans"


def django_env(database_url: str, cache_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DIBIAO_CACHE_URL=cache_url,
        DIBIAO_DEBUG="0",
        DIBIAO_SECRET_KEY="bench-only-" + "x" * 40,
        DIBIAO_SSL_REDIRECT="0",
        DIBIAO_SECURE_COOKIES="0",
        DIBIAO_ALLOWED_HOSTS="127.0.0.1",
        DIBIAO_LOG_LEVEL="WARNING",
        DIBIAO_HSTS_SECONDS="0",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return result.stdout


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": int(non2xx.group(1)) if non2xx else 0}


PAGES = [
    ("bare Django view: a 50-row table, no login, no database (baseline)", "baseline"),
    ("the product's empty page, logged in (base.html only)", "empty"),
    ("province list (安徽, 50 rows)", "province"),
    ("national list (50 rows)", "national"),
    ("one recommendation", "detail"),
    ("ranking table (184 projects × 3 experts, 30 experts)", "ranking"),
    ("an expert's list (about 18 projects)", "expert"),
]


def write_results(
    rows: list[tuple[str, dict[str, float], dict[str, float]]],
    seconds: int,
    connections: int,
    load: tuple[float, float],
) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    block = [
        "<!-- load:start -->",
        "## List pages under load (`bench/load.py`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}), PostgreSQL, Redis, gunicorn "
        f"{WORKERS} sync workers, DEBUG off; wrk {connections} connections × {seconds} s per page and pass. "
        f"Load average (1 min) {load[0]:.1f} before the run, {load[1]:.1f} after it.",
        "",
        "| page | requests/s | median ms | p99 ms | non-2xx | requests/s, rendered in full | median ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {name} | {kept['rps']:.0f} | {kept['p50']:.1f} | {kept['p99']:.1f} "
            f"| {kept['errors'] + full['errors']:.0f} | {full['rps']:.0f} | {full['p50']:.1f} | {full['p99']:.1f} |"
            for name, kept, full in rows
        ),
        "",
        "The first columns are the product as deployed (docs/operations.md): a page read again while",
        "its data and the round calendar stay the same is served from the shared cache (core/pages.py),",
        'as wrk\'s repeated requests are. The columns "rendered in full" are the same gunicorn with',
        "DIBIAO_PAGE_CACHE=0: every request renders the page, as the first one after a change does.",
        "The first two rows are references: the bare view is what this machine does for Django at all;",
        "the empty page is the least any logged-in page costs here (session, user, navigation with the",
        "unread count, base.html).",
        "<!-- load:end -->",
    ]
    if "<!-- load:start -->" in text:
        text = re.sub(r"<!-- load:start -->.*<!-- load:end -->", "\n".join(block), text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    path.write_text(text, encoding="utf-8")


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bench.wsgi",
            "--pythonpath",
            f"{ROOT / 'src'},{ROOT}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        env={**env, "DIBIAO_BENCH_BASELINE": "1"},
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return gunicorn


def measure(
    env: dict[str, str], targets: dict[str, str], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    gunicorn = serve(env, args.port)
    results = {}
    try:
        base = f"http://127.0.0.1:{args.port}"
        for name, key in PAGES:
            url, cookie = targets[key].split(" ", 1)
            results[key] = wrk(base + url, cookie, args.seconds, args.connections)
            print(f"{name} (page cache {env.get('DIBIAO_PAGE_CACHE', 'on')}): {results[key]}", flush=True)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/dibiao_bench")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: make setup-dev")
    env = django_env(args.database_url, args.cache_url)
    database = args.database_url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    manage(env, "migrate", "-v0")
    manage(env, "shell", "--no-imports", "-c", "from django.core.cache import cache; cache.clear()")
    manage(env, "load_divisions", "--as-of", "2020-12-31")
    print("scaling the data to a full round ...", flush=True)
    targets = dict(
        line.split("=", 1) for line in manage(env, "shell", "--no-imports", "-c", SCALE).strip().splitlines()
    )
    # The planner's statistics, as autovacuum would gather them after such a load.
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; connection.cursor().execute('ANALYZE')",
    )
    targets["baseline"] = BASELINE
    targets["empty"] = "/bench/empty/ " + targets["province"].split(" ", 1)[1]
    load_before = os.getloadavg()[0]
    kept = measure(env, targets, args)
    full = measure({**env, "DIBIAO_PAGE_CACHE": "0"}, targets, args)
    write_results(
        [(name, kept[key], full[key]) for name, key in PAGES],
        args.seconds,
        args.connections,
        (load_before, os.getloadavg()[0]),
    )


# Runs inside `manage.py shell`: builds a full round and prints "key=url cookie" lines.
SCALE = r"""
from bench.scale import build_full_round
for key, value in build_full_round().items():
    print(f"{key}={value}")
"""

if __name__ == "__main__":
    main()
