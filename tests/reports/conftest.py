"""The reports' cast: the named people of tests/conftest.py, plus what the reports need."""

import pytest
from django.utils import translation

from dibiao.accounts.choices import Role
from tests.factories import DepartmentFactory, ImplementingUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files go to a fresh directory per test, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def chuzhou_officer(anhui):
    """Another Anhui implementing unit: sees nothing of Hefei's key projects."""
    unit = ImplementingUnitFactory(province=anhui, code="341100", name="滁州市市场监督管理局（知识产权局）")
    return UserFactory(username="chuzhou", full_name="滁州经办人", role=Role.IMPLEMENTING, organisation=unit)


@pytest.fixture
def promotion_dept(db):
    """知识产权运用促进司, the action's owner."""
    return DepartmentFactory(name="知识产权运用促进司", sort_key="0001")


@pytest.fixture
def promotion_admin(promotion_dept):
    """An administrator of 运用促进司: records its department's progress."""
    return UserFactory(
        username="yunyong",
        full_name="运用促进司经办人",
        role=Role.NATIONAL_ADMIN,
        organisation=promotion_dept,
    )


@pytest.fixture
def treaty_admin(db):
    """An administrator of 条法司: responsible for 提质强基 only."""
    return UserFactory(
        username="tiaofa",
        full_name="条法司经办人",
        role=Role.NATIONAL_ADMIN,
        organisation=DepartmentFactory(name="条法司", sort_key="0003"),
    )
