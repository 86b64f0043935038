"""Rounds' cast: all 32 provincial units of Attachment 2, the 2021 round and its quota file."""

import csv
from pathlib import Path

import pytest
from django.utils import translation

from dibiao.rounds import services
from tests.factories import ProvinceFactory, RoundFactory

QUOTA_FILE = Path(__file__).resolve().parents[2] / "data" / "quota-2021.csv"


def reference_rows() -> list[dict[str, str]]:
    with QUOTA_FILE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def quota_csv() -> bytes:
    """data/quota-2021.csv as it is: UTF-8 without BOM, 32 rows, 184 in total."""
    return QUOTA_FILE.read_bytes()


@pytest.fixture
def all_provinces(db):
    """The 32 provincial units, named as in Attachment 2, by province code."""
    return {
        row["province_code"]: ProvinceFactory(province_code=row["province_code"], name=row["unit_name"])
        for row in reference_rows()
    }


@pytest.fixture
def round_2021(db):
    return RoundFactory(year=2021)


@pytest.fixture
def quotas_2021(round_2021, all_provinces, quota_csv, national_admin):
    """The 2021 round with Attachment 2 imported, as the administrator would."""
    services.import_quotas(round_2021, quota_csv, actor=national_admin, basis="国知发运字〔2021〕20号附件2")
    return round_2021


def holdings_csv() -> bytes:
    """Made-up holdings (no per-province table is published), different for every province."""
    lines = ["province_code,gi_products,gi_trademarks"]
    for row in reference_rows():
        code = int(row["province_code"])
        lines.append(f"{code},{code % 13 * 9 + 5},{code % 17 * 23 + 11}")
    return ("\n".join(lines) + "\n").encode()
