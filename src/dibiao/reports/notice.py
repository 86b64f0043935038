"""Reading the action's tasks out of the notice's text (国知发运字〔2021〕20号, section 二).

Section 二 holds four actions, each written as one paragraph:

    （一）提质强基行动。一是……。二是……。三是……。（条法司、战略规划司、保护司、运用促进司、各地方知识产权局负责）

The parser takes the text between the headings 二、 and 三、, removes every line break and
space (the published text breaks lines, even words, at page ends), finds each action by its
number, name and closing parenthesis, and splits the action's text at the sentences that open
with 一是, 二是, …. A task's title is its first sentence.
"""

import re
from dataclasses import dataclass, field

from dibiao.reports.choices import THEME_BY_NOTICE_NAME, Theme

NUMERALS = "一二三四五六七八九十"
LOCAL_OFFICES = "各地方知识产权局"

SECTION = re.compile(r"^二、.*?(?=^三、)", re.MULTILINE | re.DOTALL)
ACTION = re.compile(
    rf"（(?P<numeral>[{NUMERALS}]+)）(?P<name>[^。（）]{{2,12}}?)行动。(?P<body>.*?)（(?P<responsible>[^（）]*?)负责）"
)
TASK_START = re.compile(rf"(?:^|(?<=。))(?P<numeral>[{NUMERALS}]+)是")


class NoticeFormatError(ValueError):
    """The text does not have the shape the parser expects; the message says where."""


@dataclass
class ParsedTask:
    number: int
    title: str
    text: str


@dataclass
class ParsedAction:
    position: int
    name: str
    theme: Theme
    responsible_text: str
    department_names: list[str]
    includes_local_offices: bool
    tasks: list[ParsedTask] = field(default_factory=list)


def numeral_value(numeral: str) -> int:
    """一 → 1 … 十 → 10 (the notice numbers at most four tasks per action)."""
    if numeral not in NUMERALS:
        raise NoticeFormatError(f"not a numeral from 一 to 十: {numeral!r}")
    return NUMERALS.index(numeral) + 1


def _tasks(body: str, action_name: str) -> list[ParsedTask]:
    starts = list(TASK_START.finditer(body))
    if not starts or starts[0].start() != 0:
        raise NoticeFormatError(f"{action_name}: the text does not open with 一是")
    tasks = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        number = numeral_value(match["numeral"])
        if number != index + 1:
            raise NoticeFormatError(f"{action_name}: task {index + 1} is numbered {match['numeral']}是")
        text = body[match.end() : end]
        title, _, _rest = text.partition("。")
        tasks.append(ParsedTask(number=number, title=title, text=text))
    return tasks


def parse_actions(notice_text: str) -> list[ParsedAction]:
    """The four actions of section 二 with their tasks and responsible departments."""
    section = SECTION.search(notice_text)
    if section is None:
        raise NoticeFormatError("no section 二 (a line opening with 二、 followed by one opening with 三、)")
    text = re.sub(r"\s+", "", section.group())
    actions = []
    for match in ACTION.finditer(text):
        name = match["name"]
        theme = THEME_BY_NOTICE_NAME.get(name)
        if theme is None:
            raise NoticeFormatError(f"unknown action {name}行动")
        parts = [part for part in match["responsible"].split("、") if part]
        actions.append(
            ParsedAction(
                position=numeral_value(match["numeral"]),
                name=f"{name}行动",
                theme=theme,
                responsible_text=f"{match['responsible']}负责",
                department_names=[part for part in parts if part != LOCAL_OFFICES],
                includes_local_offices=LOCAL_OFFICES in parts,
                tasks=_tasks(match["body"], name),
            )
        )
    found = [action.theme for action in actions]
    if sorted(found) != sorted(THEME_BY_NOTICE_NAME.values()):
        raise NoticeFormatError(f"expected the four actions once each, found {[a.name for a in actions]}")
    return actions
