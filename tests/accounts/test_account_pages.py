"""The account pages, from the outside: who sees which accounts, who may create and change what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dibiao.accounts import services
from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.core.models import AuditEvent
from tests.factories import ImplementingUnitFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def as_user(client, user):
    client.force_login(user)
    return client


def listed_usernames(response):
    return [account.username for account in response.context["page"].object_list]


def new_account_data(**overrides):
    data = {
        "username": "wangfang",
        "full_name": "王芳",
        "role": Role.IMPLEMENTING,
        "organisation": "",
        "email": "wangfang@example.cn",
        "phone": "0551-62345678",
    }
    return {**data, **overrides}


# --- the list ------------------------------------------------------------------------------------


def test_national_admin_lists_every_account(
    client,
    national_admin,
    anhui_officer,
    hefei_officer,
    zhejiang_officer,
    hangzhou_officer,
    expert_from_anhui,
):
    response = as_user(client, national_admin).get(reverse("accounts:list"))

    assert sorted(listed_usernames(response)) == [
        "admin",
        "anhui",
        "expert_ah",
        "hangzhou",
        "hefei",
        "zhejiang",
    ]
    assert "共 6 个账号" in response.content.decode()


def test_provincial_officer_lists_its_provinces_implementing_officers_only(
    client, anhui_officer, hefei_officer, wuhu, hangzhou_officer, expert_from_anhui, national_admin
):
    wuhu_officer = UserFactory(username="wuhu", role=Role.IMPLEMENTING, organisation=wuhu)

    response = as_user(client, anhui_officer).get(reverse("accounts:list"))

    assert listed_usernames(response) == ["hefei", wuhu_officer.username]
    page = response.content.decode()
    assert "杭州经办人" not in page
    # Its filters leave out what cannot vary for it: the role and the province.
    assert list(response.context["filters"].fields) == ["q", "active"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"role": Role.PROVINCIAL}, ["anhui", "zhejiang"]),
        ({"province": "zhejiang"}, ["hangzhou", "zhejiang"]),
        ({"active": "0"}, ["hefei"]),
        ({"active": "1", "role": Role.IMPLEMENTING}, ["hangzhou"]),
        ({"q": "合肥"}, ["hefei"]),
        ({"q": "HANGZHOU@"}, ["hangzhou"]),
    ],
)
def test_national_admin_filters_and_searches_the_list(
    client, national_admin, anhui_officer, hefei_officer, zhejiang_officer, hangzhou_officer, query, expected
):
    services.set_account_active(national_admin, hefei_officer, False)
    if "province" in query:
        query = {"province": zhejiang_officer.organisation_id}

    response = as_user(client, national_admin).get(reverse("accounts:list"), query)

    assert sorted(listed_usernames(response)) == expected


def test_list_pages_by_fifty(client, national_admin, anhui):
    unit = ImplementingUnitFactory(province=anhui)
    for n in range(50):
        UserFactory(username=f"u{n:03d}", role=Role.IMPLEMENTING, organisation=unit)

    first = as_user(client, national_admin).get(reverse("accounts:list"))
    second = client.get(reverse("accounts:list"), {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    pager = first.content.decode()
    assert '<span class="current" aria-current="page">1</span>' in pager
    assert '<a href="?page=2">2</a>' in pager


@pytest.mark.usefixtures("cold_pages")
@pytest.mark.parametrize("viewer", ["national_admin", "anhui_officer"])
def test_list_query_count_does_not_grow_with_the_accounts(client, anhui, request, viewer):
    user = request.getfixturevalue(viewer)
    as_user(client, user)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("accounts:list"))
        assert response.status_code == 200
        return len(queries), len(response.context["page"].object_list)

    UserFactory(role=Role.IMPLEMENTING, organisation=ImplementingUnitFactory(province=anhui))
    one = count_queries()
    for _ in range(29):
        UserFactory(role=Role.IMPLEMENTING, organisation=ImplementingUnitFactory(province=anhui))
    thirty = count_queries()

    assert one[1] + 29 == thirty[1]
    assert one[0] == thirty[0]


# --- creating ------------------------------------------------------------------------------------


def test_provincial_officer_is_offered_only_its_implementing_units(
    client, anhui_officer, hefei, wuhu, hangzhou, anhui
):
    response = as_user(client, anhui_officer).get(reverse("accounts:create"))

    form = response.context["form"]
    assert list(form.fields["role"].choices) == [(Role.IMPLEMENTING, "实施单位经办人")]
    assert list(form.fields["organisation"].queryset) == [hefei, wuhu]
    page = response.content.decode()
    assert "杭州市" not in page


def test_provincial_officer_creates_an_account_for_its_implementing_unit(
    client, anhui_officer, hefei, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(client, anhui_officer).post(
            reverse("accounts:create"), new_account_data(organisation=hefei.pk)
        )

    account = User.objects.get(username="wangfang")
    assert response["Location"] == reverse("accounts:detail", kwargs={"pk": account.pk})
    assert (account.role, account.organisation, account.created_by) == (
        Role.IMPLEMENTING,
        hefei,
        anhui_officer,
    )
    assert (account.is_staff, account.is_superuser, account.has_usable_password()) == (False, False, False)
    assert [m.to for m in mailoutbox] == [["wangfang@example.cn"]]
    assert "账号已创建，设置密码的开通通知已发出。" in client.get(response["Location"]).content.decode()


def test_provincial_officer_cannot_create_for_another_provinces_unit(client, anhui_officer, hefei, hangzhou):
    before = User.objects.count()

    response = as_user(client, anhui_officer).post(
        reverse("accounts:create"), new_account_data(organisation=hangzhou.pk)
    )

    assert response.status_code == 404
    assert User.objects.count() == before
    assert not User.objects.filter(username="wangfang").exists()


@pytest.mark.parametrize("role", [Role.PROVINCIAL, Role.NATIONAL_ADMIN, Role.EXPERT])
def test_provincial_officer_cannot_create_other_roles(client, anhui_officer, anhui, hefei, role):
    before = User.objects.count()

    response = as_user(client, anhui_officer).post(
        reverse("accounts:create"), new_account_data(role=role, organisation=anhui.pk)
    )

    assert response.status_code == 403
    assert "您无权创建或修改该角色的账号。" in response.content.decode()
    assert User.objects.count() == before


def test_provincial_officer_cannot_put_an_implementing_officer_at_the_provincial_unit(
    client, anhui_officer, anhui, hefei
):
    response = as_user(client, anhui_officer).post(
        reverse("accounts:create"), new_account_data(organisation=anhui.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"organisation": ["请从列出的单位中选择。"]}
    assert not User.objects.filter(username="wangfang").exists()


@pytest.mark.parametrize(
    ("role", "organisation", "staff"),
    [
        (Role.NATIONAL_ADMIN, "department", True),
        (Role.NATIONAL_ADMIN, "national_office", True),
        (Role.PROVINCIAL, "anhui", False),
        (Role.IMPLEMENTING, "hefei", False),
        (Role.EXPERT, None, False),
        (Role.EXPERT, "hefei", False),
    ],
)
def test_national_admin_creates_any_role_at_a_fitting_organisation(
    client, national_admin, request, role, organisation, staff, django_capture_on_commit_callbacks
):
    org = request.getfixturevalue(organisation) if organisation else None
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(client, national_admin).post(
            reverse("accounts:create"), new_account_data(role=role, organisation=org.pk if org else "")
        )

    assert response.status_code == 302, response.context["form"].errors
    account = User.objects.get(username="wangfang")
    assert (account.role, account.organisation) == (role, org)
    assert (account.is_staff, account.is_superuser) == (staff, staff)


@pytest.mark.parametrize(
    ("role", "organisation", "error"),
    [
        (Role.NATIONAL_ADMIN, "hefei", "所选单位与账号角色不符。"),
        (Role.PROVINCIAL, "department", "所选单位与账号角色不符。"),
        # Provincial officers work for the provincial unit, not for its centres (DOMAIN §2).
        (Role.PROVINCIAL, "sichuan_centre", "所选单位与账号角色不符。"),
        (Role.IMPLEMENTING, "anhui", "所选单位与账号角色不符。"),
        (Role.IMPLEMENTING, None, "请选择该账号所属单位。"),
        (Role.NATIONAL_ADMIN, None, "请选择该账号所属单位。"),
    ],
)
def test_national_admin_cannot_give_a_role_an_unfitting_organisation(
    client, national_admin, request, role, organisation, error
):
    org = request.getfixturevalue(organisation) if organisation else None

    response = as_user(client, national_admin).post(
        reverse("accounts:create"), new_account_data(role=role, organisation=org.pk if org else "")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"organisation": [error]}
    assert not User.objects.filter(username="wangfang").exists()


def test_create_refuses_a_taken_user_name_whatever_its_case(client, national_admin, hefei_officer, hefei):
    response = as_user(client, national_admin).post(
        reverse("accounts:create"), new_account_data(username="HeFei", organisation=hefei.pk)
    )

    assert response.context["form"].errors == {"username": ["该用户名已被使用。"]}


def test_create_checks_the_phone_number(client, national_admin, hefei):
    response = as_user(client, national_admin).post(
        reverse("accounts:create"), new_account_data(phone="12345", organisation=hefei.pk)
    )

    assert response.context["form"].errors == {
        "phone": ["请填写手机号码（以 1 开头的 11 位数字）或带区号的固定电话，如 010-62086080。"]
    }


# --- detail and edit ---------------------------------------------------------------------------


def test_detail_shows_the_account_and_the_allowed_actions(client, anhui_officer, hefei_officer):
    response = as_user(client, anhui_officer).get(reverse("accounts:detail", kwargs={"pk": hefei_officer.pk}))

    page = response.content.decode()
    assert "合肥经办人" in page
    assert "hefei@example.cn" in page
    for url_name in ("edit", "disable", "send_reset"):
        assert reverse(f"accounts:{url_name}", kwargs={"pk": hefei_officer.pk}) in page
    # Not locked, so nothing to unlock; enabled, so nothing to enable.
    assert reverse("accounts:unlock", kwargs={"pk": hefei_officer.pk}) not in page
    assert reverse("accounts:enable", kwargs={"pk": hefei_officer.pk}) not in page


def test_detail_of_ones_own_account_offers_no_disable(client, national_admin):
    response = as_user(client, national_admin).get(
        reverse("accounts:detail", kwargs={"pk": national_admin.pk})
    )

    assert response.status_code == 200
    assert reverse("accounts:disable", kwargs={"pk": national_admin.pk}) not in response.content.decode()


def test_zhejiang_officer_gets_404_for_an_anhui_account_and_no_data(client, zhejiang_officer, hefei_officer):
    response = as_user(client, zhejiang_officer).get(
        reverse("accounts:detail", kwargs={"pk": hefei_officer.pk})
    )

    assert response.status_code == 404
    assert "合肥" not in response.content.decode()


def test_provincial_officer_edits_an_implementing_officer(client, anhui_officer, hefei_officer, wuhu):
    response = as_user(client, anhui_officer).post(
        reverse("accounts:edit", kwargs={"pk": hefei_officer.pk}),
        {
            "full_name": "合肥新经办人",
            "organisation": wuhu.pk,
            "email": "new@example.cn",
            "phone": "13800000000",
        },
    )

    assert response["Location"] == reverse("accounts:detail", kwargs={"pk": hefei_officer.pk})
    hefei_officer.refresh_from_db()
    assert (
        hefei_officer.full_name,
        hefei_officer.organisation,
        hefei_officer.email,
        hefei_officer.phone,
    ) == (
        "合肥新经办人",
        wuhu,
        "new@example.cn",
        "13800000000",
    )
    event = AuditEvent.objects.get(verb="account.updated")
    assert (event.actor, event.data["fields"]) == (
        anhui_officer,
        ["full_name", "email", "phone", "organisation"],
    )


def test_provincial_officer_cannot_move_an_account_to_another_province(
    client, anhui_officer, hefei_officer, hangzhou
):
    response = as_user(client, anhui_officer).post(
        reverse("accounts:edit", kwargs={"pk": hefei_officer.pk}),
        {"full_name": "合肥经办人", "organisation": hangzhou.pk, "email": "hefei@example.cn"},
    )

    assert response.status_code == 404
    hefei_officer.refresh_from_db()
    assert hefei_officer.organisation.code == "340100"


def test_edit_form_offers_the_organisations_of_the_accounts_role(
    client, national_admin, anhui_officer, anhui, hefei, department
):
    response = as_user(client, national_admin).get(reverse("accounts:edit", kwargs={"pk": anhui_officer.pk}))

    assert list(response.context["form"].fields["organisation"].queryset) == [anhui]


# --- disable, enable, unlock, send a link ------------------------------------------------------------


def test_provincial_officer_disables_and_enables_an_implementing_officer(
    client, anhui_officer, hefei_officer
):
    as_user(client, anhui_officer)
    response = client.post(reverse("accounts:disable", kwargs={"pk": hefei_officer.pk}), follow=True)

    assert "账号已停用。" in response.content.decode()
    hefei_officer.refresh_from_db()
    assert hefei_officer.is_active is False

    client.post(reverse("accounts:enable", kwargs={"pk": hefei_officer.pk}))
    hefei_officer.refresh_from_db()
    assert hefei_officer.is_active is True
    assert list(
        AuditEvent.objects.filter(object_id=str(hefei_officer.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    ) == ["account.disabled", "account.enabled"]


def test_provincial_officer_cannot_disable_a_zhejiang_account(client, anhui_officer, hangzhou_officer):
    response = as_user(client, anhui_officer).post(
        reverse("accounts:disable", kwargs={"pk": hangzhou_officer.pk})
    )

    assert response.status_code == 404
    hangzhou_officer.refresh_from_db()
    assert hangzhou_officer.is_active is True


def test_nobody_disables_their_own_account(client, national_admin):
    response = as_user(client, national_admin).post(
        reverse("accounts:disable", kwargs={"pk": national_admin.pk})
    )

    assert response.status_code == 403
    assert "您无权对该账号执行此操作。" in response.content.decode()
    national_admin.refresh_from_db()
    assert national_admin.is_active is True


def test_unlock_lets_a_locked_out_account_log_in_again(client, national_admin, hefei_officer, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        services.register_login_failure(hefei_officer)
    assert hefei_officer.is_locked
    page = as_user(client, national_admin).get(reverse("accounts:detail", kwargs={"pk": hefei_officer.pk}))
    assert "已锁定" in page.content.decode()

    response = client.post(reverse("accounts:unlock", kwargs={"pk": hefei_officer.pk}), follow=True)

    assert "已解除锁定，该账号可重新登录。" in response.content.decode()
    hefei_officer.refresh_from_db()
    assert (hefei_officer.is_locked, hefei_officer.failed_login_count) == (False, 0)
    client.logout()
    client.post(reverse("accounts:login"), {"username": "hefei", "password": "correct-horse-battery"})
    assert client.session["_auth_user_id"] == str(hefei_officer.pk)


def test_send_reset_emails_a_password_link(
    client, anhui_officer, hefei_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(client, anhui_officer).post(
            reverse("accounts:send_reset", kwargs={"pk": hefei_officer.pk}), follow=True
        )

    assert "设置密码的链接已发送至该账号的电子邮箱。" in response.content.decode()
    [message] = mailoutbox
    assert (message.to, message.subject) == (["hefei@example.cn"], "地标：设置新密码")


def test_send_reset_to_an_account_that_never_chose_a_password_sends_the_invitation(
    client, national_admin, hefei, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.create_account(
            national_admin,
            username="li",
            full_name="李",
            email="li@example.cn",
            role=Role.IMPLEMENTING,
            organisation=hefei,
        )
        as_user(client, national_admin).post(reverse("accounts:send_reset", kwargs={"pk": account.pk}))

    assert [m.subject for m in mailoutbox] == ["地标：您的账号已开通", "地标：您的账号已开通"]


def test_send_reset_to_a_disabled_account_is_refused(
    client, national_admin, hefei_officer, mailoutbox, django_capture_on_commit_callbacks
):
    services.set_account_active(national_admin, hefei_officer, False)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(client, national_admin).post(
            reverse("accounts:send_reset", kwargs={"pk": hefei_officer.pk}), follow=True
        )

    assert "该账号已停用，请先启用再发送链接。" in response.content.decode()
    assert mailoutbox == []


def test_implementing_officer_is_refused_the_account_pages(client, hefei_officer):
    response = as_user(client, hefei_officer).get(reverse("accounts:list"))

    assert response.status_code == 403
    assert "您无权管理账号。" in response.content.decode()
