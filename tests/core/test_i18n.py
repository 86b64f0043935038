import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.unit
def test_every_zh_hans_entry_is_translated_and_not_fuzzy():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "po.py"), "missing"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "{}"


@pytest.mark.django_db
def test_pages_speak_chinese_first_and_english_on_request(client):
    zh = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in zh
    client.cookies["django_language"] = "en"
    en = client.get(reverse("accounts:login")).content.decode()
    assert "Log in" in en
    assert "登录" not in en


@pytest.mark.unit
def test_state_labels_are_translated():
    from dibiao.rounds.choices import RoundState

    with translation.override("zh-hans"):
        assert str(RoundState.OPEN.label) == "征集中"
