"""Load benchmark of the list pages (not a test): gunicorn with DEBUG off, a full round of data,
wrk at 16 connections for 20 s per page, logged in as the role that uses the page.

    .venv/bin/python bench/load.py [--seconds 20] [--connections 16] [--database-url URL] [--port N]

Needs wrk (Debian package, installed by `make setup-dev`) and PostgreSQL on 127.0.0.1:5432.
Writes its numbers into bench/RESULTS.md between the "load" markers.

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


def django_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
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


def write_results(
    rows: list[tuple[str, dict[str, float]]], seconds: int, connections: int, load: tuple[float, float]
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
    baseline = rows[0][1]["rps"] or 1
    block = [
        "<!-- load:start -->",
        "## List pages under load (`bench/load.py`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}), PostgreSQL, gunicorn "
        f"{WORKERS} sync workers, DEBUG off; wrk {connections} connections × {seconds} s per page. "
        f"Load average (1 min) {load[0]:.1f} before the run, {load[1]:.1f} after it.",
        "",
        "| page | requests/s | of the bare view | median ms | p99 ms | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {name} | {r['rps']:.0f} | {r['rps'] / baseline:.0%} | {r['p50']:.1f} | {r['p99']:.1f} "
            f"| {r['errors']:.0f} |"
            for name, r in rows
        ),
        "",
        "The first two rows are references served by the same gunicorn: the bare view is what this",
        "machine does for Django at all; the empty page is the least any logged-in page costs here",
        "(the session, the user, the navigation with the unread count, base.html).",
        "<!-- load:end -->",
    ]
    if "<!-- load:start -->" in text:
        text = re.sub(r"<!-- load:start -->.*<!-- load:end -->", "\n".join(block), text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/dibiao_bench")
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: make setup-dev")
    env = django_env(args.database_url)
    database = args.database_url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    manage(env, "migrate", "-v0")
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
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bench.wsgi",
            "--pythonpath",
            f"{ROOT / 'src'},{ROOT}",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        env={**env, "DIBIAO_BENCH_BASELINE": "1"},
        cwd=ROOT,
    )
    load_before = os.getloadavg()[0]
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        base = f"http://127.0.0.1:{args.port}"
        rows = []
        for name, key in [
            ("bare Django view: a 50-row table, no login, no database (baseline)", "baseline"),
            ("the product's empty page, logged in (base.html only)", "empty"),
            ("province list (安徽, 50 rows)", "province"),
            ("national list (50 rows)", "national"),
            ("one recommendation", "detail"),
            ("ranking table (184 projects × 3 experts, 30 experts)", "ranking"),
            ("an expert's list (about 18 projects)", "expert"),
        ]:
            url, cookie = targets[key].split(" ", 1)
            result = wrk(base + url, cookie, args.seconds, args.connections)
            print(f"{name}: {result}", flush=True)
            rows.append((name, result))
        write_results(rows, args.seconds, args.connections, (load_before, os.getloadavg()[0]))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)


# Runs inside `manage.py shell`: builds a full round and prints "key=url cookie" lines.
SCALE = r"""
from bench.scale import build_full_round
for key, value in build_full_round().items():
    print(f"{key}={value}")
"""

if __name__ == "__main__":
    main()
