#!/usr/bin/env python3
"""Translator's helper for the zh_Hans catalogues.

    scripts/po.py missing [APP]            list untranslated or fuzzy entries, as JSON {msgid: ""}
    scripts/po.py apply FILE.json [APP]    fill entries from {msgid: msgstr} (or {"ctx\\x04msgid": ...})

APP limits either to one app's catalogue (e.g. rounds); without it, all catalogues.
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "dibiao"
ENTRY = re.compile(r"\n\n(?=(?:#|msgctxt|msgid))")


def catalogues(app: str = "") -> list[Path]:
    base = ROOT / app if app else ROOT
    return sorted(base.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def parse(block: str) -> dict[str, object]:
    fields: dict[str, list[str]] = {}
    key = None
    flags = ""
    for line in block.splitlines():
        if line.startswith("#,"):
            flags = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key:
                fields[key].append(line)
        else:
            key, _, rest = line.partition(" ")
            fields[key] = [rest]
    return {
        "ctx": unquote(fields["msgctxt"]) if "msgctxt" in fields else None,
        "id": unquote(fields.get("msgid", ['""'])),
        "plural": unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None,
        "str": [unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")],
        "fuzzy": "fuzzy" in flags,
    }


def key_of(entry: dict[str, object]) -> str:
    return f"{entry['ctx']}\x04{entry['id']}" if entry["ctx"] else str(entry["id"])


def missing(app: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for path in catalogues(app):
        for block in ENTRY.split(path.read_text(encoding="utf-8"))[1:]:
            entry = parse(block)
            if entry["id"] and (entry["fuzzy"] or not all(entry["str"])):
                found[key_of(entry)] = ""
    return found


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def apply(translations: dict[str, str], app: str = "") -> int:
    changed = 0
    for path in catalogues(app):
        blocks = ENTRY.split(path.read_text(encoding="utf-8"))
        for index, block in enumerate(blocks[1:], start=1):
            entry = parse(block)
            value = translations.get(key_of(entry))
            if not value or not entry["id"]:
                continue
            # Comments and references stay; msgmerge's "#|" (the old text of a fuzzy guess) goes
            # with the guess, and the flags follow the comments, as compilemessages requires.
            lines = [
                line
                for line in block.splitlines()
                if line.startswith("#") and not line.startswith(("#,", "#|"))
            ]
            flags = [
                flag.strip()
                for line in block.splitlines()
                if line.startswith("#,")
                for flag in line[2:].split(",")
            ]
            kept = [flag for flag in flags if flag and flag != "fuzzy"]
            if kept:
                lines.append("#, " + ", ".join(kept))
            if entry["ctx"]:
                lines.append(f"msgctxt {quote(str(entry['ctx']))}")
            lines.append(f"msgid {quote(str(entry['id']))}")
            if entry["plural"] is not None:
                # Chinese has one plural form.
                lines.append(f"msgid_plural {quote(str(entry['plural']))}")
                lines.append(f"msgstr[0] {quote(value)}")
            else:
                lines.append(f"msgstr {quote(value)}")
            blocks[index] = "\n".join(lines)
            changed += 1
        path.write_text("\n\n".join(blocks).rstrip("\n") + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    if sys.argv[1:2] == ["missing"]:
        print(json.dumps(missing(sys.argv[2] if len(sys.argv) > 2 else ""), ensure_ascii=False, indent=1))
    elif sys.argv[1:2] == ["apply"] and len(sys.argv) > 2:
        translations = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        print(apply(translations, sys.argv[3] if len(sys.argv) > 3 else ""), "entries filled")
    else:
        sys.exit(__doc__)
