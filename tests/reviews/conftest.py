"""The review's cast, on top of tests/conftest.py.

- `hefei_rec`: Hefei's (Anhui) recommendation, received by CNIPA through the real workflow.
- `hangzhou_rec`: Hangzhou's (Zhejiang), received likewise.
- `anhui_expert`: the Expert of `expert_from_anhui` (Anhui): must never see an Anhui project.
- `zhejiang_expert`: from Zhejiang: must never see a Zhejiang project.
- `beijing_expert`: from Beijing, with a declared tie to Hangzhou's unit: may review Hefei's
  project only.
- `rubric`: the default rubric of the 2021 round (five criteria, 100 points).
"""

import pytest
from django.utils import translation

from dibiao.reviews import services
from dibiao.reviews.choices import TieKind
from dibiao.reviews.models import Expert
from tests.factories import ProvinceFactory, received_recommendation


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def make_expert(
    admin, name, province, *, email=None, phone=None, affiliation="中国农业大学", field="农产品质量"
):
    """An expert added through the service, as the administrator's page would."""
    number = Expert.objects.count() + 1
    return services.create_expert(
        admin,
        full_name=name,
        email=email or f"expert{number}@example.cn",
        phone=phone or f"139{number:08d}",
        affiliation=affiliation,
        field=field,
        province=province,
    )


@pytest.fixture
def beijing(db):
    return ProvinceFactory(province_code="11")


@pytest.fixture
def hefei_rec(round_2021, hefei_officer, anhui_officer, national_admin):
    return received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)


@pytest.fixture
def hangzhou_rec(round_2021, hangzhou_officer, zhejiang_officer, national_admin):
    return received_recommendation(hangzhou_officer, zhejiang_officer, national_admin, round_2021)


@pytest.fixture
def anhui_expert(expert_from_anhui, anhui):
    """The pool entry of the conftest's `expert_from_anhui` account."""
    return Expert.objects.create(
        user=expert_from_anhui, affiliation="安徽农业大学", field="茶学", province=anhui
    )


@pytest.fixture
def zhejiang_expert(national_admin, zhejiang):
    return make_expert(national_admin, "浙江专家", zhejiang, affiliation="浙江大学")


@pytest.fixture
def beijing_expert(national_admin, beijing, hangzhou):
    expert = make_expert(national_admin, "北京专家", beijing, affiliation="中国农业科学院")
    services.add_tie(expert, actor=national_admin, organisation=hangzhou, kind=TieKind.ADVISED)
    return expert


@pytest.fixture
def rubric(round_2021):
    return services.default_rubric(round_2021)


@pytest.fixture
def panel(round_2021, national_admin):
    return services.update_panel(round_2021, actor=national_admin, experts_per_project=2, leader=None)
