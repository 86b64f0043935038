"""Builders for the reports' and the public site's tests: real files, and objects in the
state their name says, reached through the services wherever a service exists.

Selecting a project (and publishing a round) belongs to the review workflow; until it offers a
service for that step, `key_project` writes the selected recommendation directly.
"""

import csv
import datetime as dt
import io
import zipfile
import zoneinfo
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dibiao.recommendations.choices import State
from dibiao.recommendations.models import Recommendation
from dibiao.reports import services
from dibiao.reports.choices import Theme
from dibiao.rounds.choices import RoundState
from tests.factories import ProvinceFactory, RoundFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
QUOTA_FILE = Path(__file__).resolve().parents[2] / "data" / "quota-2021.csv"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def all_provinces() -> dict[str, object]:
    """The 32 provincial units of Attachment 2, by province code."""
    with QUOTA_FILE.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return {
        row["province_code"]: ProvinceFactory(province_code=row["province_code"], name=row["unit_name"])
        for row in rows
    }


# --- files ---------------------------------------------------------------------------------------


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 30)).save(buffer, fmt)
    return buffer.getvalue()


def docx_bytes(*, macro: bool = False) -> bytes:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def upload(name: str = "总结附件.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo(name: str = "果园.jpg", fmt: str = "JPEG"):
    return SimpleUploadedFile(name, image_bytes(fmt), content_type=f"image/{fmt.lower()}")


# --- summaries -----------------------------------------------------------------------------------

FULL_SUMMARY = services.SummaryText(
    progress="制定本省行动方案，组织地理标志运用促进工程项目12个。",
    problems="基层工作力量不足。",
    results="砀山酥梨产值增长百分之十五。",
    next_steps="加强品牌宣传推广。",
)


def submitted_summary(officer, year: int):
    summary = services.start_summary(actor=officer, year=year)
    services.save_summary(summary, actor=officer, text=FULL_SUMMARY)
    return services.submit_summary(summary, actor=officer)


# --- cases ---------------------------------------------------------------------------------------

NAVEL_ORANGE = {
    "title": "赣南脐橙：一个地理标志带富一方百姓",
    "gi_name": "赣南脐橙",
    "place": "江西省赣州市",
    "industry": "柑橘",
    "year": 2022,
    "summary": "赣州市以赣南脐橙地理标志为纽带，建设标准化果园，带动果农增收。",
    "full_text": "赣南脐橙种植面积达一百八十万亩。当地推行“企业+地理标志+农户”模式，统一标准、统一品牌。",
    "themes": [Theme.BRAND, Theme.INDUSTRY],
}

DANGSHAN_PEAR = {
    "title": "砀山酥梨品牌建设",
    "gi_name": "砀山酥梨",
    "place": "安徽省宿州市砀山县",
    "industry": "水果",
    "year": 2021,
    "summary": "砀山县开展品牌宣传推广。",
    "full_text": "用好一件地理标志，打造区域品牌，带动电子商务发展。",
    "themes": [Theme.BRAND],
}


def case_content(**overrides) -> services.CaseContent:
    values = {**NAVEL_ORANGE, **overrides}
    return services.CaseContent(**values)


def draft_case(officer, **overrides):
    return services.create_case(actor=officer, content=case_content(**overrides))


def proposed_case(officer, **overrides):
    return services.move_case(draft_case(officer, **overrides), "propose", actor=officer)


def accepted_case(officer, admin, **overrides):
    return services.move_case(proposed_case(officer, **overrides), "accept", actor=admin)


def published_case(officer, admin, **overrides):
    return services.move_case(accepted_case(officer, admin, **overrides), "publish", actor=admin)


# --- key projects --------------------------------------------------------------------------------

CONTACT_MOBILE = "13805571234"
CONTACT_NAME = "张联系"
CONTACT_EMAIL = "zscq-contact@example.cn"


def project_data(name: str, gi: str) -> dict:
    """A recommendation's content with contacts in it: what the public must never see."""
    return {
        "project_name": name,
        "implementing_unit": {
            "representative": {"name": "王代表", "title": "局长"},
            "phone": "0557-8021234",
            "contact": {"name": CONTACT_NAME, "mobile": CONTACT_MOBILE},
            "email": CONTACT_EMAIL,
        },
        "geographical_indications": [{"name": gi, "rights_holder": "协会", "approvals": []}],
        "introduction": "项目介绍内部文本",
    }


def key_project(
    unit,
    round,
    *,
    creator,
    state=State.SELECTED,
    seq: int = 1,
    name="砀山酥梨地理标志运用促进工程",
    gi="砀山酥梨",
):
    """A recommendation of `unit` in `round` that has reached `state` (selected by default)."""
    return Recommendation.objects.create(
        round=round,
        implementing_unit=unit,
        province=unit.province,
        state=state,
        project_name=name,
        data=project_data(name, gi),
        number=f"{round.year}-{unit.province.province_code}-{seq:02d}" if state != State.DRAFT else None,
        number_seq=seq if state != State.DRAFT else None,
        created_by=creator,
    )


def published_round(year: int = 2021):
    return RoundFactory(year=year, state=RoundState.PUBLISHED)
