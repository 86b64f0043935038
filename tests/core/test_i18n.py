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


@pytest.mark.unit
def test_no_message_is_translated_two_ways_in_two_catalogues():
    """Django merges the apps' catalogues, so the same English text (in the same context) must
    mean the same everywhere; where the meaning differs, the code gives it a context."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import po

    translations: dict[str, dict[str, str]] = {}
    for path in po.catalogues():
        for block in po.ENTRY.split(path.read_text(encoding="utf-8"))[1:]:
            entry = po.parse(block)
            if entry["id"] and entry["str"] and all(entry["str"]):
                translations.setdefault(po.key_of(entry), {})[str(entry["str"][0])] = path.parts[-5]
    clashes = {key: found for key, found in translations.items() if len(found) > 1}
    assert clashes == {}
