"""Organisations built by the real loader from a slice of the real division data.

Loading all 6,823 divisions takes about a second, so most tests load only the rows of a few
provinces (Beijing, Zhejiang, Anhui and part of Henan, incl. 419001); test_load_divisions.py
runs the full load. The cast of tests/conftest.py (anhui, zhejiang, hefei, ...) is rebound here
to the loaded organisations, so its officers belong to real units.
"""

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.organisations.services import load_divisions

DIVISIONS_DIR = Path(settings.DATA_DIR) / "divisions"
SLICE = ("11", "33", "34", "410000", "4112", "4190")


def write_division_slice(directory: Path, prefixes: tuple[str, ...] = SLICE) -> Path:
    """Copy the rows of result.csv whose code starts with one of `prefixes` (BOM included)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (DIVISIONS_DIR / "result.csv").open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    with (directory / "result.csv").open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(rows[0])
        writer.writerows(row for row in rows[1:] if row[0].startswith(prefixes))
    return directory


@pytest.fixture
def division_slice(tmp_path):
    return write_division_slice(tmp_path / "divisions")


@pytest.fixture
def loaded(db, division_slice):
    """The organisations of the end-2020 list, for the provinces of the slice."""
    return load_divisions(dt.date(2020, 12, 31), divisions_dir=division_slice)


def unit(code: str) -> Organisation:
    return Organisation.objects.get(kind=Kind.IMPLEMENTING, code=code, is_active=True)


def provincial_unit(province_code: str) -> Organisation:
    return Organisation.objects.get(kind=Kind.PROVINCIAL, province_code=province_code)


@pytest.fixture
def anhui(loaded):
    return provincial_unit("34")


@pytest.fixture
def zhejiang(loaded):
    return provincial_unit("33")


@pytest.fixture
def hefei(loaded):
    return unit("340100")


@pytest.fixture
def hangzhou(loaded):
    return unit("330100")


@pytest.fixture
def xpcc(loaded):
    return provincial_unit("66")
