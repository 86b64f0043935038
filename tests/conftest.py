"""The named cast. Each name says who the person is and what they must (not) see."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from dibiao.accounts.choices import Role
from tests.factories import ImplementingUnitFactory, ProvinceFactory, UserFactory

# Property tests judge results, not speed: a busy CI machine must not fail them on time.
hypothesis_settings.register_profile("dibiao", deadline=None)
hypothesis_settings.load_profile("dibiao")


@pytest.fixture(autouse=True)
def _fast_and_local(settings):
    # Argon2 is the product's hasher (tests/accounts check it); tests log in thousands of
    # times, so they hash with MD5 unless a test restores the setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Rendering PDFs on receipt costs half a second a project; tests/documents checks it.
    settings.PRERENDER_PDFS = False
    # The busiest pages are kept per data revision (core/pages.py); with it on, every test that
    # reads a page after changing data checks that the change is seen.
    settings.PAGE_CACHE = True
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def cold_pages(settings):
    """Every page rendered in full, as on a cold cache: for counting a page's queries."""
    settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _product_language():
    # A request in English (the language switch) leaves English active in the thread after the
    # response; every test starts in the product's language, whatever ran before it.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def anhui(db):
    return ProvinceFactory(province_code="34")


@pytest.fixture
def zhejiang(db):
    return ProvinceFactory(province_code="33")


@pytest.fixture
def hefei(anhui):
    return ImplementingUnitFactory(province=anhui, code="340100", name="合肥市市场监督管理局（知识产权局）")


@pytest.fixture
def hangzhou(zhejiang):
    return ImplementingUnitFactory(
        province=zhejiang, code="330100", name="杭州市市场监督管理局（知识产权局）"
    )


@pytest.fixture
def national_admin(db):
    return UserFactory(username="admin", full_name="刘佳", national_admin=True)


@pytest.fixture
def anhui_officer(anhui):
    return UserFactory(username="anhui", full_name="安徽省局经办人", role=Role.PROVINCIAL, organisation=anhui)


@pytest.fixture
def hefei_officer(hefei):
    """An Anhui implementing unit's officer."""
    return UserFactory(username="hefei", full_name="合肥经办人", role=Role.IMPLEMENTING, organisation=hefei)


@pytest.fixture
def zhejiang_officer(zhejiang):
    """Must see nothing of Anhui."""
    return UserFactory(
        username="zhejiang", full_name="浙江省局经办人", role=Role.PROVINCIAL, organisation=zhejiang
    )


@pytest.fixture
def hangzhou_officer(hangzhou):
    return UserFactory(
        username="hangzhou", full_name="杭州经办人", role=Role.IMPLEMENTING, organisation=hangzhou
    )


@pytest.fixture
def expert_from_anhui(anhui):
    return UserFactory(username="expert_ah", full_name="安徽专家", role=Role.EXPERT)


def login(client, user):
    client.force_login(user)
    return client


# --- recommendations ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    # Uploaded files go to a fresh directory per test, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def wuhu(anhui):
    """Another Anhui implementing unit."""
    return ImplementingUnitFactory(province=anhui, code="340200", name="芜湖市市场监督管理局（知识产权局）")


@pytest.fixture
def wuhu_officer(wuhu):
    """Same province as Hefei, another unit: must not touch Hefei's drafts."""
    return UserFactory(username="wuhu", full_name="芜湖经办人", role=Role.IMPLEMENTING, organisation=wuhu)


@pytest.fixture
def round_2021(time_machine, anhui, zhejiang):
    """The 2021 round (deadline 2021-09-15 23:59:59 Asia/Shanghai) with Attachment 2's quotas
    for Anhui (7) and Zhejiang (7); the clock stands at 2021-09-01 10:00 Shanghai, ticking."""
    import datetime as dt
    import zoneinfo

    from tests.factories import QuotaFactory, RoundFactory

    time_machine.move_to(dt.datetime(2021, 9, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True)
    round = RoundFactory(year=2021)
    QuotaFactory(round=round, province=anhui, cap=7)
    QuotaFactory(round=round, province=zhejiang, cap=7)
    return round
