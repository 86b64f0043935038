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


# --- recommendations: content, files, and recommendations in each state ----------------------
# States are reached through the services and the workflow, as a user would reach them.


def complete_recommendation_data(**overrides):
    """A recommendation form that passes the full validation (Attachment 1, every field)."""
    data = {
        "project_name": "砀山酥梨地理标志运用促进工程",
        "implementing_unit": {
            "name": "合肥市市场监督管理局（知识产权局）",
            "representative": {"name": "王建国", "title": "局长"},
            "phone": "0557-8021234",
            "fax": "0557-8021235",
            "responsible": {
                "name": "李明",
                "title": "副局长",
                "landline": "0557-8021236",
                "mobile": "13905571234",
            },
            "contact": {"name": "张华", "mobile": "13805571234", "landline": "0557-8021237", "fax": None},
            "address": "安徽省宿州市砀山县梨都大道1号",
            "email": "zscq@example.cn",
        },
        "recommending_unit": {
            "name": "安徽省知识产权局",
            "division_head": {"name": "陈处长", "mobile": "13955112345"},
            "contact": {"name": "赵经办", "mobile": "13855112345"},
        },
        "geographical_indications": [
            {
                "name": "砀山酥梨",
                "rights_holder": "砀山县酥梨协会",
                "approvals": [
                    {"authority": "原国家质检总局", "date": "2006-12-31"},
                    {"authority": "商标局", "date": "2008-05-14"},
                ],
                "production_area": "安徽省砀山县现辖行政区域",
            }
        ],
        "introduction": "　　项目背景与基础……",
        "achievements": "　　用好一件地理标志，打造一个品牌……",
        "practices": "　　主要措施……",
        "safeguards": "　　县政府设立专项资金……",
        "recommender_support": None,
        "implementing_opinion": {"text": None, "signer": None, "date": None},
        "recommending_opinion": {"text": None, "signer": None, "date": None},
        "approval": None,
    }
    data.update(overrides)
    return data


IMPLEMENTING_OPINION = {"text": "同意推荐。", "signer": "王建国", "date": "2021-09-01"}
RECOMMENDING_OPINION = {"text": "同意推荐。", "signer": "陈处长", "date": "2021-09-02"}

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20


def docx_bytes(*, macro=False, content_type=None):
    """A minimal Word document; with `macro`, a macro-enabled one (vbaProject.bin inside)."""
    import io
    import zipfile

    main = content_type or (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macro
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
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


def upload(name="盖章页.pdf", content=PDF_BYTES, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def draft_recommendation(unit_officer, round, data=None):
    from dibiao.recommendations import services

    return services.create_draft(actor=unit_officer, round=round, data=data)


def submitted_recommendation(unit_officer, round, data=None):
    """A complete draft with the unit's sealed page, submitted to the province."""
    from dibiao.recommendations import services, workflow
    from dibiao.recommendations.choices import Action, Section

    rec = services.create_draft(actor=unit_officer, round=round, data=data or complete_recommendation_data())
    services.add_attachment(
        rec, actor=unit_officer, section=Section.IMPLEMENTING_SEAL, uploaded_file=upload()
    )
    workflow.perform(rec, Action.SUBMIT, actor=unit_officer, opinion=IMPLEMENTING_OPINION)
    return rec


def recommended_recommendation(unit_officer, province_officer, round, data=None):
    """Submitted, then recommended by the province with its opinion and sealed page."""
    from dibiao.recommendations import services, workflow
    from dibiao.recommendations.choices import Action, Section

    rec = submitted_recommendation(unit_officer, round, data)
    services.add_attachment(
        rec, actor=province_officer, section=Section.RECOMMENDING_SEAL, uploaded_file=upload("省局盖章页.pdf")
    )
    workflow.perform(rec, Action.RECOMMEND, actor=province_officer, opinion=RECOMMENDING_OPINION)
    return rec


def received_recommendation(unit_officer, province_officer, admin, round, data=None):
    from dibiao.recommendations import workflow
    from dibiao.recommendations.choices import Action

    rec = recommended_recommendation(unit_officer, province_officer, round, data)
    workflow.perform(rec, Action.RECEIVE, actor=admin)
    return rec


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A recommendation row in the state asked for, written directly: only for lists and query
    counts (build many with `build_batch` and `bulk_create`). Tests of the path itself reach
    each state through the services (`submitted_recommendation` and the like)."""

    class Meta:
        model = "recommendations.Recommendation"

    round = factory.SubFactory(RoundFactory)
    implementing_unit = factory.SubFactory(ImplementingUnitFactory)
    province = factory.SelfAttribute("implementing_unit.province")
    created_by = factory.SubFactory(UserFactory)
    project_name = factory.Sequence(lambda n: f"地理标志运用促进项目{n}")
    data = factory.LazyAttribute(lambda o: {"project_name": o.project_name})
    state = "draft"
