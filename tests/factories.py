"""Factories without surprises: every object is valid and in the state its name says."""

import datetime as dt

import factory
from django.utils import timezone

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind, Level
from dibiao.organisations.models import Organisation
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Quota, Round

PROVINCES = {
    "11": "北京市知识产权局",
    "33": "浙江省知识产权局",
    "34": "安徽省知识产权局",
    "37": "山东省知识产权局",
    "63": "青海省知识产权管理机构",
    "66": "新疆生产建设兵团知识产权局",
}


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "province_code")
        skip_postgeneration_save = True  # link_self saves what it changes

    kind = Kind.PROVINCIAL
    province_code = "34"
    name = factory.LazyAttribute(lambda o: PROVINCES.get(o.province_code, f"{o.province_code}省知识产权局"))
    code = factory.LazyAttribute(lambda o: "" if o.province_code == "66" else f"{o.province_code}0000")
    sort_key = factory.LazyAttribute(lambda o: o.province_code)

    @factory.post_generation
    def link_self(obj, create, extracted, **kwargs):
        if create and obj.province_id != obj.pk:
            obj.province = obj
            obj.save(update_fields=["province"])


class ImplementingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Kind.IMPLEMENTING
    level = Level.PREFECTURE
    province = factory.SubFactory(ProvinceFactory)
    parent = factory.SelfAttribute("province")
    province_code = factory.SelfAttribute("province.province_code")
    code = factory.Sequence(lambda n: f"{34}{(n % 90) + 1:02d}00")
    name = factory.Sequence(lambda n: f"第{n}市知识产权局")
    sort_key = factory.SelfAttribute("code")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    role = Role.IMPLEMENTING
    password = factory.django.Password("correct-horse-battery")

    class Params:
        national_admin = factory.Trait(role=Role.NATIONAL_ADMIN, is_staff=True, is_superuser=True)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        django_get_or_create = ("year",)

    year = 2021
    title = factory.LazyAttribute(lambda o: f"{o.year}年地理标志运用促进工程重点项目推荐")
    notice_ref = "国知发运字〔2021〕20号"
    opens_at = factory.LazyAttribute(
        lambda o: dt.datetime(o.year, 6, 1, 0, 0, tzinfo=timezone.get_default_timezone())
    )
    deadline_at = factory.LazyAttribute(
        lambda o: dt.datetime(o.year, 9, 15, 23, 59, 59, tzinfo=timezone.get_default_timezone())
    )
    state = RoundState.OPEN


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    round = factory.SubFactory(RoundFactory)
    province = factory.SubFactory(ProvinceFactory)
    cap = 2


class NationalOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind",)

    kind = Kind.NATIONAL
    name = "国家知识产权局"
    sort_key = "00"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "name")

    kind = Kind.DEPARTMENT
    name = "知识产权运用促进司"
    parent = factory.SubFactory(NationalOfficeFactory)
    sort_key = "01"


class CentreFactory(factory.django.DjangoModelFactory):
    """A provincial centre (四川/广东): attached to its province, no quota of its own."""

    class Meta:
        model = Organisation

    kind = Kind.CENTRE
    province = factory.SubFactory(ProvinceFactory, province_code="51")
    parent = factory.SelfAttribute("province")
    province_code = factory.SelfAttribute("province.province_code")
    name = "四川省知识产权服务促进中心"
    sort_key = factory.LazyAttribute(lambda o: f"{o.province_code}9")
