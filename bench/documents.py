"""Document benchmark (not a test): Attachment 1 as Word and PDF, a round's summary .xlsx and
archive, and the Word import, for recommendations of about 6,000 Chinese characters.

    .venv/bin/python bench/documents.py [--quick]

Times are medians over repeated runs (wall clock; the CPU time of this process beside it, which
other processes on the machine disturb less). The archive is the task's work after its database
reads (documents.archive.write_archive: each recommendation's Word and PDF in a pool of 2
forked workers, the zip with the summary and one 200 kB attachment a recommendation written by
the parent, 184 recommendations); the database reads of 184 recommendations add a few hundred
milliseconds. Writes the medians, with the machine they ran on, into bench/RESULTS.md between
the "documents" markers.
"""

import argparse
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dibiao.settings")
os.environ.setdefault("DIBIAO_LOG_LEVEL", "WARNING")

import django  # noqa: E402  after the path and settings are set

django.setup()

from django.conf import settings  # noqa: E402

from dibiao.documents import archive, collect, content, pdf, word, xlsx  # noqa: E402

TARGETS = {
    "word": 0.030,
    "pdf": 0.250,
    "summary": 0.5,
    "archive": 30.0,
    "import": 0.100,
}


@cache
def _hanzi() -> tuple[str, ...]:
    """The 3,755 characters of GB 2312 level 1 (the common ones), in their code order."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return tuple(chars)


def common_hanzi() -> list[str]:
    return list(_hanzi())


def chinese_text(hanzi: int, rng: random.Random, pool: list[str], weights: list[float]) -> str:
    """Paragraphs of made-up Chinese prose with `hanzi` Chinese characters: characters drawn
    with Zipf-like frequencies (exponent 1.2: 6,000 of them hold about 930 different ones; the
    notice's 4,660 hold 643), commas and full stops between clauses, paragraphs of 150-400
    characters that start with two ideographic spaces."""
    paragraphs, left = [], hanzi
    while left > 0:
        clauses = []
        size = min(left, rng.randint(150, 400))
        while size > 0:
            clause = "".join(rng.choices(pool, weights, k=min(size, rng.randint(6, 22))))
            clauses.append(clause)
            size -= len(clause)
        paragraph = "".join(clauses)
        left -= len(paragraph)
        paragraphs.append("　　" + "，".join(clauses) + "。")
    return "\n".join(paragraphs)


@cache
def form_data(index: int, hanzi: int = 6000) -> dict:
    rng = random.Random(index)
    pool = common_hanzi()
    rng.shuffle(pool)
    weights = [1 / (rank + 1) ** 1.2 for rank in range(len(pool))]
    quarter = hanzi // 4
    return {
        "project_name": f"第{index + 1}号地理标志运用促进工程项目",
        "implementing_unit": {
            "name": "宿州市市场监督管理局（知识产权局）",
            "representative": {"name": "王建国", "title": "局长"},
            "phone": "0557-8021234",
            "fax": "0557-8021235",
            "responsible": {
                "name": "李明",
                "title": "副局长",
                "landline": "0557-8021236",
                "mobile": "13905571234",
            },
            "contact": {"name": "张华", "mobile": "13805571234", "landline": "0557-8021237", "fax": None},
            "address": "安徽省宿州市砀山县梨都大道1号",
            "email": "zscq@example.cn",
        },
        "recommending_unit": {
            "name": "安徽省知识产权局",
            "division_head": {"name": "陈处长", "mobile": "13955112345"},
            "contact": {"name": "赵经办", "mobile": "13855112345"},
        },
        "geographical_indications": [
            {
                "name": "砀山酥梨",
                "rights_holder": "砀山县酥梨协会",
                "approvals": [
                    {"authority": "原国家质检总局", "date": "2006-12-31"},
                    {"authority": "商标局", "date": "2008-05-14"},
                ],
                "production_area": "安徽省砀山县现辖行政区域",
            }
        ],
        "introduction": chinese_text(quarter, rng, pool, weights),
        "achievements": chinese_text(quarter, rng, pool, weights),
        "practices": chinese_text(quarter, rng, pool, weights),
        "safeguards": chinese_text(quarter, rng, pool, weights),
        "recommender_support": "省局将在品牌推广方面给予指导和资金支持。",
        "implementing_opinion": {"text": "同意推荐。", "signer": "王建国", "date": "2021-09-01"},
        "recommending_opinion": {"text": "经审核，同意推荐。", "signer": "陈处长", "date": "2021-09-02"},
        "approval": None,
    }


def form(index: int) -> content.FormContent:
    """The printed form of recommendation `index` (its data made once, then copied by build)."""
    return content.build(
        form_data(index),
        rec_id=index + 1,
        number=f"2021-34-{index + 1:02d}",
        year=2021,
        state="received",
        attachments=[{"section": "achievements", "name": "成果附页.pdf"}],
        version=2,
        fingerprint=f"{index:012x}",
    )


def cjk_count(value: content.FormContent) -> int:
    text = "".join(
        t
        for t in (value.data.get(k, "") for k in ("introduction", "achievements", "practices", "safeguards"))
    )
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def timed(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `runs` calls, after one warm-up call."""
    function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def items(count: int, attachment: str) -> list[collect.Item]:
    return [
        collect.Item(
            content=form(index),
            state="received",
            state_label="已接收",
            province="安徽省知识产权局",
            implementing_unit="宿州市市场监督管理局（知识产权局）",
            files=[collect.AttachedFile("achievements", "成果附页.pdf", attachment)],
        )
        for index in range(count)
    ]


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its finished children (the archive's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs, nothing written (a smoke test)")
    parser.add_argument("--count", type=int, default=184, help="recommendations in the summary and archive")
    parser.add_argument("--archive-runs", type=int, default=3, help="runs of each archive measurement")
    args = parser.parse_args()
    runs = {"word": 5, "pdf": 3, "summary": 2, "archive": 1, "import": 5} if args.quick else {
        "word": 50, "pdf": 15, "summary": 7, "archive": args.archive_runs, "import": 30,
    }  # fmt: skip
    load_before = os.getloadavg()
    one = form(0)
    results: dict[str, tuple[float, float, int]] = {}

    def record(key: str, label: str, function: Callable[[], object]) -> None:
        wall, cpu = timed(function, runs[key])
        results[key] = (wall, cpu, runs[key])
        print(
            f"{label}: median {wall * 1000:.1f} ms (CPU {cpu * 1000:.1f} ms), target ≤ {TARGETS[key] * 1000:.0f} ms"
        )

    print(f"one recommendation: {cjk_count(one)} Chinese characters in its four long texts")
    record("word", "Word", lambda: word.WordExporter(form(0)).render())
    # Rendered every time: the cache of frozen versions' PDFs is not used here.
    record("pdf", "PDF", lambda: pdf.pdf_bytes(form(0)))
    many = items(args.count, "")
    record("summary", f"summary .xlsx of {args.count}", lambda: xlsx.summary_bytes(many))
    docx_bytes = word.docx_bytes(one)
    try:
        from dibiao.documents.word_import import read_docx
    except ImportError:
        read_docx = None
    if read_docx is not None:
        record("import", "import of one Word file", lambda: read_docx(docx_bytes))

    with tempfile.TemporaryDirectory() as folder:
        attachment = Path(folder) / "attachment.pdf"
        attachment.write_bytes(b"%PDF-1.4\n" + os.urandom(200 * 1024))
        many = items(args.count, str(attachment))
        target = Path(folder) / "archive.zip"
        summary = xlsx.summary_bytes(many)

        def build(media: str) -> None:
            settings.MEDIA_ROOT = media  # where the cache of frozen versions' PDFs lies
            problems = archive.write_archive(many, target, root="bench", summary=summary, processes=2)
            assert problems == [], problems

        # Cold: every PDF rendered (an empty cache each run). Warm: a second archive of the same
        # versions, the PDFs from the cache. The workers' CPU time is not this process's: only
        # the wall clock counts here.
        walls, cpus = [], []
        for run in range(runs["archive"]):
            started, cpu = time.perf_counter(), _cpu_with_children()
            build(tempfile.mkdtemp(dir=folder, prefix=f"cold{run}-"))
            walls.append(time.perf_counter() - started)
            cpus.append(_cpu_with_children() - cpu)
        results["archive"] = (statistics.median(walls), statistics.median(cpus), runs["archive"])
        size = target.stat().st_size
        print(
            f"archive of {args.count}, cold (Word + PDF, 2 processes): median {results['archive'][0]:.1f} s "
            f"(CPU of all processes {results['archive'][1]:.1f} s), {size / 1e6:.0f} MB"
        )
        warm = tempfile.mkdtemp(dir=folder, prefix="warm-")
        build(warm)
        wall, _cpu = timed(lambda: build(warm), runs["archive"])
        results["archive_warm"] = (wall, float("nan"), runs["archive"])
        print(f"archive of {args.count}, PDFs from the cache: median {wall:.1f} s")
    if not args.quick:
        write_results(results, cjk_count(one), args.count, load_before, os.getloadavg())


NOTE = (
    "A frozen version's PDF is rendered once and kept (documents/pdf.py, `cached_pdf_bytes`): a second "
    "download, or an archive of versions already rendered, takes the cached file. "
    "`documents.tasks.task_prerender_pdf` renders a recommendation's PDF in the background, e.g. after it "
    "is recommended or received, so that the round's archive at CNIPA is the warm one."
)


def write_results(
    results: dict[str, tuple[float, float, int]],
    chars: int,
    count: int,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"

    def ms(seconds: float) -> str:
        return "—" if seconds != seconds else f"{seconds * 1000:.0f} ms"  # NaN: not measured

    def cpu_text(key: str, seconds: float) -> str:
        if key == "archive":
            return f"{seconds:.1f} s (all processes)"
        return ms(seconds)

    labels = {
        "word": ("Word (.docx) of one recommendation", ms),
        "pdf": ("PDF of one recommendation", ms),
        "summary": (f"summary .xlsx of {count} recommendations", ms),
        "archive": (
            f"archive of {count}, every PDF rendered (Word + PDF + attachments, 2 processes)",
            lambda s: f"{s:.1f} s",
        ),
        "archive_warm": (
            f"archive of {count}, the PDFs from the cache of frozen versions",
            lambda s: f"{s:.1f} s",
        ),
        "import": ("import of one Word file (`word_import.read_docx`)", ms),
    }
    target_text = {
        "word": "≤ 30 ms", "pdf": "≤ 250 ms", "summary": "≤ 0.5 s", "archive": "≤ 30 s", "archive_warm": "", "import": "≤ 100 ms",
    }  # fmt: skip
    rows = [
        f"| {labels[key][0]} | {labels[key][1](wall)} | {cpu_text(key, cpu)} | {target_text[key]} | {runs} |"
        for key, (wall, cpu, runs) in results.items()
    ]
    block = [
        "<!-- documents:start -->",
        "## Documents (`bench/documents.py`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu_model()}); a recommendation of {chars:,} Chinese "
        "characters in its long texts (made-up prose over the 3,755 common characters, Zipf-like frequencies). "
        f"Load average {load_before[0]:.1f} before, {load_after[0]:.1f} after: other work on the machine slows the "
        "wall clock, the CPU time less so.",
        "",
        "| what | median | CPU | target | runs |",
        "| --- | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        NOTE,
        "<!-- documents:end -->",
    ]
    if "<!-- documents:start -->" in text:
        text = re.sub(r"<!-- documents:start -->.*<!-- documents:end -->", "\n".join(block), text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
