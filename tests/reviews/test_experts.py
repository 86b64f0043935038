"""The expert pool: experts with accounts, edited on pages, with declared ties; imported from
.xlsx with every bad row named and nothing half-imported."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import Workbook

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.core.errors import DomainError, ImportProblems
from dibiao.core.models import AuditEvent
from dibiao.reviews import services
from dibiao.reviews.choices import TieKind
from dibiao.reviews.models import Expert, Tie
from tests.reviews.conftest import make_expert

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

HEADER = ["姓名", "单位", "专业领域", "省份", "手机", "电子邮箱", "回避单位"]


def xlsx(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- one expert ---------------------------------------------------------------------------------


def test_an_expert_gets_an_account_and_an_invitation(
    national_admin, anhui, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        expert = services.create_expert(
            national_admin,
            full_name="王教授",
            email="Wang@Example.CN",
            phone="138 0013 8000",
            affiliation="安徽农业大学",
            field="茶学",
            province=anhui,
        )

    user = expert.user
    assert (user.username, user.email, user.phone, user.role, user.full_name) == (
        "wang@example.cn",
        "Wang@example.cn",
        "13800138000",
        Role.EXPERT,
        "王教授",
    )
    assert not user.has_usable_password()
    assert (expert.affiliation, expert.field, expert.province, expert.is_active) == (
        "安徽农业大学",
        "茶学",
        anhui,
        True,
    )
    assert [message.to for message in mail.outbox] == [["Wang@example.cn"]]
    assert AuditEvent.objects.filter(verb="expert.created", object_id=str(expert.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "请填写以 1 开头的 11 位手机号码，如 13800138000。"),
        ("email", "not-an-address", "请填写有效的电子邮箱地址。"),
        ("full_name", " ", "请填写专家姓名。"),
        ("affiliation", "", "请填写专家的工作单位。"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_created(national_admin, anhui, field, value, message):
    values = {
        "full_name": "王教授",
        "email": "wang@example.cn",
        "phone": "13800138000",
        "affiliation": "安徽农业大学",
        "province": anhui,
    }
    values[field] = value
    with pytest.raises(DomainError) as refused:
        services.create_expert(national_admin, **values)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert (Expert.objects.count(), User.objects.filter(role=Role.EXPERT).count()) == (0, 0)


def test_an_e_mail_address_in_use_is_refused(national_admin, anhui, zhejiang_expert):
    with pytest.raises(DomainError) as refused:
        make_expert(national_admin, "另一人", anhui, email=zhejiang_expert.user.email.upper())
    assert refused.value.message == "已有使用此电子邮箱的账户。"


def test_changing_the_province_may_not_create_a_conflict(hefei_rec, zhejiang_expert, anhui, national_admin):
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    with pytest.raises(DomainError) as refused:
        services.update_expert(
            zhejiang_expert,
            actor=national_admin,
            full_name="浙江专家",
            email=zhejiang_expert.user.email,
            phone="13900000099",
            affiliation="浙江大学",
            province=anhui,
        )
    assert refused.value.message == (
        f"浙江专家已被分配评审安徽省知识产权局的项目（{hefei_rec.number}）：请先移除这些评审任务，再修改省份。"
    )
    zhejiang_expert.refresh_from_db()
    assert zhejiang_expert.province.province_code == "33"


def test_a_tie_conflicting_with_an_assignment_is_refused(hefei_rec, zhejiang_expert, hefei, national_admin):
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    with pytest.raises(DomainError) as refused:
        services.add_tie(zhejiang_expert, actor=national_admin, organisation=hefei)
    assert refused.value.message.startswith("浙江专家已被分配评审合肥市市场监督管理局（知识产权局）的项目")
    assert Tie.objects.count() == 0


def test_an_expert_with_open_reviews_stays_active(hefei_rec, zhejiang_expert, national_admin):
    services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    with pytest.raises(DomainError) as refused:
        services.set_expert_active(zhejiang_expert, actor=national_admin, active=False)
    assert refused.value.message == ("浙江专家还有 1 份评审未提交：请先将其从这些项目中移除，或等待其提交。")


# --- importing ----------------------------------------------------------------------------------


def test_a_good_file_adds_every_expert_with_ties_and_invitations(
    national_admin, anhui, zhejiang, hefei, hangzhou, django_capture_on_commit_callbacks
):
    data = xlsx(
        [
            [
                "李明",
                "安徽农业大学",
                "茶学",
                "安徽",
                "13800000001",
                "liming@example.cn",
                "330100；浙江省知识产权局",
            ],
            ["赵红", "浙江大学", "", "33", "139 0000 0002", "zhaohong@example.cn", None],
            [
                "钱进",
                "中国农业大学",
                "品牌",
                "安徽省知识产权局",
                "13800000003",
                "qianjin@example.cn",
                "合肥市市场监督管理局（知识产权局）, 33",
            ],
        ]
    )

    with django_capture_on_commit_callbacks(execute=True):
        experts = services.import_experts(data, actor=national_admin)

    assert [(e.user.full_name, e.province, e.user.phone) for e in experts] == [
        ("李明", anhui, "13800000001"),
        ("赵红", zhejiang, "13900000002"),
        ("钱进", anhui, "13800000003"),
    ]
    assert sorted(Tie.objects.values_list("expert__user__full_name", "organisation__name")) == [
        ("李明", "杭州市市场监督管理局（知识产权局）"),
        ("李明", "浙江省知识产权局"),
        ("钱进", "合肥市市场监督管理局（知识产权局）"),
        ("钱进", "浙江省知识产权局"),
    ]
    assert Tie.objects.filter(kind=TieKind.OTHER).count() == 4
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.get(verb="experts.imported").data == {"expert_ids": [e.pk for e in experts]}


def test_bad_rows_are_named_and_nothing_is_imported(national_admin, anhui, zhejiang, zhejiang_expert):
    before = (Expert.objects.count(), User.objects.count())
    data = xlsx(
        [
            ["李明", "安徽农业大学", "茶学", "安徽", "13800000001", "liming@example.cn", ""],
            ["", "浙江大学", "", "火星", "12345", "zhaohong@example", ""],
            ["钱进", "中国农业大学", "", "新疆", "13800000003", zhejiang_expert.user.email, "999999；某某局"],
            ["孙丽", "南京农业大学", "", "34", "13800000001", "LIMING@example.cn", ""],
        ]
    )

    with pytest.raises(ImportProblems) as refused:
        services.import_experts(data, actor=national_admin)

    assert refused.value.message == "文件未导入，数据未作任何改动。请修改以下问题后重新上传："
    assert refused.value.problems == [
        "第 3 行：省份：“火星”不是省份：请填写省份名称（如 安徽省）或两位代码（如 34）。",
        "第 3 行：姓名：请填写专家姓名。",
        "第 3 行：手机：请填写以 1 开头的 11 位手机号码，如 13800138000。",
        "第 3 行：电子邮箱：请填写有效的电子邮箱地址。",
        "第 4 行：省份：“新疆”不是省份：请填写省份名称（如 安徽省）或两位代码（如 34）。",
        "第 4 行：电子邮箱：已有使用此电子邮箱的账户。",
        "第 4 行：回避单位：找不到单位“999999”：请填写其行政区划代码（如 340100）或全称。",
        "第 4 行：回避单位：找不到单位“某某局”：请填写其行政区划代码（如 340100）或全称。",
        "第 5 行：电子邮箱：与第 2 行的电子邮箱相同。",
        "第 5 行：手机：与第 2 行的手机号码相同。",
    ]
    assert (Expert.objects.count(), User.objects.count()) == before


def test_a_file_without_the_columns_is_refused_as_a_whole(national_admin):
    with pytest.raises(ImportProblems) as refused:
        services.import_experts(xlsx([["李明"]], header=["姓名", "单位"]), actor=national_admin)
    assert refused.value.problems == [
        "缺少列：专业领域、省份、手机、电子邮箱。第一行应为列名：姓名、单位、专业领域、省份、手机、电子邮箱、回避单位。"
    ]
    with pytest.raises(ImportProblems) as refused:
        services.import_experts(b"name,unit\n", actor=national_admin)
    assert refused.value.problems == ["该文件不是 Excel 工作簿（.xlsx）。请另存为 .xlsx 后重新上传。"]


def test_the_optional_tie_column_may_be_left_out(national_admin, anhui):
    data = xlsx(
        [["李明", "安徽农业大学", "茶学", "34", "13800000001", "liming@example.cn"]], header=HEADER[:6]
    )
    assert [e.user.full_name for e in services.import_experts(data, actor=national_admin)] == ["李明"]


def test_the_import_page_lists_the_problems(client, national_admin, anhui):
    client.force_login(national_admin)
    data = xlsx([["李明", "安徽农业大学", "茶学", "安徽", "123", "liming@example.cn", ""]])
    upload = io.BytesIO(data)
    upload.name = "专家.xlsx"

    response = client.post(reverse("reviews:expert_import"), {"file": upload})

    assert response.status_code == 400
    assert "第 2 行：手机：请填写以 1 开头的 11 位手机号码，如 13800138000。" in response.content.decode()
    assert Expert.objects.count() == 0


def test_the_import_page_imports_a_good_file(client, national_admin, anhui):
    client.force_login(national_admin)
    upload = io.BytesIO(
        xlsx([["李明", "安徽农业大学", "茶学", "安徽", "13800000001", "liming@example.cn", ""]])
    )
    upload.name = "专家.xlsx"

    response = client.post(reverse("reviews:expert_import"), {"file": upload}, follow=True)

    assert "已将 1 位专家加入专家库，并向每位专家发送了邀请。" in response.content.decode()
    assert Expert.objects.get().user.username == "liming@example.cn"


# --- pages --------------------------------------------------------------------------------------


def test_the_pool_is_searched_by_name_affiliation_and_field(client, national_admin, anhui, zhejiang):
    make_expert(national_admin, "李茶", anhui, affiliation="安徽农业大学", field="茶学")
    make_expert(national_admin, "王梨", zhejiang, affiliation="浙江大学", field="果树")
    client.force_login(national_admin)

    for query, expected in (
        ("茶学", ["李茶"]),
        ("浙江大学", ["王梨"]),
        ("王", ["王梨"]),
        ("", ["李茶", "王梨"]),
    ):
        page = client.get(reverse("reviews:experts"), {"q": query})
        assert [e.user.full_name for e in page.context["page_obj"].object_list] == expected


@pytest.mark.usefixtures("cold_pages")
def test_the_pool_list_needs_the_same_queries_for_one_or_three_experts(
    client, national_admin, anhui, django_assert_num_queries
):
    client.force_login(national_admin)
    make_expert(national_admin, "一", anhui)
    client.get(reverse("reviews:experts"))  # warm the session and the catalogue
    with django_assert_num_queries(6) as one:
        client.get(reverse("reviews:experts"))
    make_expert(national_admin, "二", anhui)
    make_expert(national_admin, "三", anhui)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("reviews:experts"))


def test_an_expert_is_created_edited_tied_and_deactivated_on_pages(client, national_admin, anhui, hangzhou):
    client.force_login(national_admin)
    created = client.post(
        reverse("reviews:expert_create"),
        {
            "full_name": "周专家",
            "affiliation": "安徽大学",
            "field": "",
            "province": anhui.pk,
            "phone": "13800000011",
            "email": "zhou@example.cn",
        },
    )
    expert = Expert.objects.get()
    assert created["Location"] == reverse("reviews:expert_detail", args=[expert.pk])

    edited = client.post(
        reverse("reviews:expert_edit", args=[expert.pk]),
        {
            "full_name": "周专家",
            "affiliation": "合肥工业大学",
            "field": "食品",
            "province": anhui.pk,
            "phone": "13800000012",
            "email": "zhou@example.cn",
        },
    )
    assert edited.status_code == 302
    tie = client.post(
        reverse("reviews:tie_add", args=[expert.pk]), {"unit": "330100", "kind": TieKind.RELATIVE}
    )
    assert tie.status_code == 302
    bad_tie = client.post(
        reverse("reviews:tie_add", args=[expert.pk]), {"unit": "不存在的局", "kind": TieKind.OTHER}
    )
    assert bad_tie.status_code == 400
    assert "找不到单位“不存在的局”" in bad_tie.content.decode()
    client.post(reverse("reviews:expert_set_active", args=[expert.pk]), {"active": "0"})

    expert.refresh_from_db()
    assert (expert.affiliation, expert.field, expert.user.phone, expert.is_active) == (
        "合肥工业大学",
        "食品",
        "13800000012",
        False,
    )
    assert list(expert.ties.values_list("organisation", "kind")) == [(hangzhou.pk, TieKind.RELATIVE)]
    assert list(
        AuditEvent.objects.filter(object_type="reviews.expert", object_id=str(expert.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    ) == ["expert.created", "expert.updated", "expert.tie_added", "expert.deactivated"]
