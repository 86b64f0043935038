"""The notice (国知发运字〔2021〕20号) as readable blocks, from data/cnipa-2021-20-notice.txt.

The text was taken from the published document, page by page: paragraphs are separated by
blank lines, but a page end may cut a paragraph (even a word) in two. Two pieces are joined
again when the first does not end a sentence and the second does not open a new heading or
item. Headings (一、), items ((一)) and the attachments' tables (tab-separated lines) get
their own kinds of block; the attachments' few HTML tags are dropped.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.html import strip_tags

NOTICE_FILE = Path(settings.DATA_DIR) / "cnipa-2021-20-notice.txt"

HEADING = re.compile(r"^[一二三四五六七八九十]+、")
ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*")
ATTACHMENT_START = re.compile(r"^附件\s*\d+$")
SENTENCE_END = tuple("。：；！？）)”")


@dataclass
class Block:
    kind: str  # masthead, number, title, heading, item, paragraph, attachment, table
    text: str = ""
    lead: str = ""
    rows: list[list[str]] = field(default_factory=list)


def _pieces(text: str) -> list[str]:
    return [piece.strip() for piece in re.split(r"\n\s*\n", text) if piece.strip()]


FRONT_MATTER = 3  # masthead, document number, title: never joined


def _joined(pieces: list[str]) -> list[str]:
    joined: list[str] = pieces[:FRONT_MATTER]
    for piece in pieces[FRONT_MATTER:]:
        opens_new = HEADING.match(piece) or piece.startswith(("（", "("))
        if len(joined) > FRONT_MATTER and not joined[-1].endswith(SENTENCE_END) and not opens_new:
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


def _body_blocks(pieces: list[str]) -> list[Block]:
    blocks = []
    for index, piece in enumerate(pieces):
        if index == 0:
            blocks.append(Block("masthead", piece))
        elif index == 1:
            blocks.append(Block("number", piece))
        elif index == 2:
            blocks.append(Block("title", re.sub(r"\s+", "", piece)))
        elif HEADING.match(piece):
            blocks.append(Block("heading", piece))
        elif match := ITEM.match(piece):
            rest = piece[match.end() :]
            lead, dot, tail = rest.partition("。")
            number = match.group().strip()
            if dot and len(lead) <= 60:
                blocks.append(Block("item", tail, lead=f"{number}{lead}{dot}"))
            else:
                blocks.append(Block("item", rest, lead=number))
        else:
            blocks.append(Block("paragraph", piece))
    return blocks


def _attachment_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for piece in _pieces(text):
        lines = [strip_tags(line).strip() for line in piece.splitlines()]
        if ATTACHMENT_START.match(lines[0]):
            blocks.append(Block("attachment", lines[0]))
            continue
        for line in lines:
            if "\t" in line:
                cells = [cell.strip() for cell in line.split("\t")]
                if blocks and blocks[-1].kind == "table":
                    blocks[-1].rows.append(cells)
                else:
                    blocks.append(Block("table", rows=[cells]))
            elif line:
                blocks.append(Block("paragraph", line))
    return blocks


@lru_cache(maxsize=1)
def notice_blocks(path: Path = NOTICE_FILE) -> tuple[Block, ...]:
    """The notice, then its attachments, as blocks (read once per process)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    split_at = next(
        (index for index, line in enumerate(lines) if ATTACHMENT_START.match(line.strip())), len(lines)
    )
    body = "\n".join(lines[:split_at])
    attachments = "\n".join(lines[split_at:])
    return (*_body_blocks(_joined(_pieces(body))), *_attachment_blocks(attachments))
