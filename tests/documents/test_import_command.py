"""`manage.py import_docx --json FILE`: JSON on stdout and exit 0 for a file it reads; the reason on
stderr and a non-zero exit, without a traceback, for a file it refuses."""

import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.documents.fixtures.attachment1 import OFFICIAL, WPS, build, full

ROOT = Path(__file__).resolve().parents[2]


def run_command(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_docx", *args],
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.mark.unit
def test_json_of_a_readable_file(tmp_path):
    path = tmp_path / "推荐书.docx"
    path.write_bytes(build(style=WPS))
    out = io.StringIO()

    call_command("import_docx", "--json", str(path), stdout=out)

    assert json.loads(out.getvalue()) == {"recommendation": full(), "problems": []}


@pytest.mark.unit
def test_problems_are_listed_and_the_file_still_counts_as_read(tmp_path):
    data = full()
    data["implementing_unit"]["contact"]["mobile"] = None
    style = dataclasses.replace(OFFICIAL, date_formats=["{y}年{m}月{d}日"])
    path = tmp_path / "form.docx"
    path.write_bytes(build(data, style))
    out = io.StringIO()

    call_command("import_docx", "--json", str(path), stdout=out)

    result = json.loads(out.getvalue())
    assert result["problems"] == [{"field": "implementing_unit.contact.mobile", "message": "此项为必填项。"}]
    assert result["recommendation"]["implementing_unit"]["contact"] == {
        "name": "张晓燕",
        "mobile": None,
        "landline": "0551-63538020",
        "fax": "0551-63538021",
    }


@pytest.mark.unit
def test_a_refused_file_is_a_command_error_with_the_reason(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)

    with pytest.raises(CommandError, match=r"另存为"):
        call_command("import_docx", "--json", str(path), stdout=io.StringIO())


@pytest.mark.unit
def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match=r"无法读取"):
        call_command("import_docx", "--json", str(tmp_path / "nowhere.docx"), stdout=io.StringIO())


@pytest.mark.integration
def test_from_the_shell_the_json_is_utf8_and_the_exit_status_0(tmp_path):
    path = tmp_path / "form.docx"
    path.write_bytes(build())

    result = run_command("--json", str(path))

    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = result.stdout.decode("utf-8")
    assert "长丰草莓地理标志助力乡村振兴项目" in text  # not \u escapes
    assert json.loads(text)["recommendation"] == full()


@pytest.mark.integration
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a word file", "这不是 Word（.docx）文件"),
        (b"PK\x03\x04 truncated", "已损坏或不完整"),
    ],
    ids=["not-a-zip", "truncated"],
)
def test_from_the_shell_a_refused_file_exits_non_zero_without_a_traceback(tmp_path, content, reason):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)

    result = run_command("--json", str(path))

    stderr = result.stderr.decode("utf-8")
    assert result.returncode != 0
    assert result.stdout == b""
    assert reason in stderr
    assert "Traceback" not in stderr
