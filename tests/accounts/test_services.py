"""The account services re-check permissions themselves and keep personal data out of the
journal and the logs."""

import logging

import pytest

from dibiao.accounts import permissions, services
from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.organisations.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PERSONAL = ("王芳", "wangfang@example.cn", "13912345678")


def create(actor, organisation, role=Role.IMPLEMENTING, **overrides):
    values = {
        "username": "wangfang",
        "full_name": "王芳",
        "email": "wangfang@example.cn",
        "phone": "13912345678",
        "role": role,
        "organisation": organisation,
    }
    return services.create_account(actor, **{**values, **overrides})


def test_create_account_records_ids_but_no_personal_data(national_admin, hefei, caplog):
    with caplog.at_level(logging.DEBUG):
        account = create(national_admin, hefei)

    event = AuditEvent.objects.get(verb="account.created")
    assert (event.actor, event.object_id) == (national_admin, str(account.pk))
    assert event.data == {"role": "implementing", "organisation_id": hefei.pk}
    written = f"{event.summary} {event.data} {caplog.text}"
    for value in PERSONAL:
        assert value not in written


def test_every_account_service_keeps_personal_data_out_of_the_journal_and_logs(
    national_admin, hefei, wuhu, caplog, django_capture_on_commit_callbacks, settings
):
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        account = create(national_admin, hefei)
        services.update_account(
            national_admin,
            account,
            full_name="王芳芳",
            email="wff@example.cn",
            phone="13800000000",
            organisation=wuhu,
        )
        services.send_password_reset(national_admin, account)
        services.set_account_active(national_admin, account, False)
        services.set_account_active(national_admin, account, True)
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            services.register_login_failure(account)
        services.unlock_account(national_admin, account)
        services.set_own_password(account, "a-long-new-password")

    events = AuditEvent.objects.filter(object_id=str(account.pk))
    assert sorted(events.values_list("verb", flat=True)) == [
        "account.created",
        "account.disabled",
        "account.enabled",
        "account.locked",
        "account.password_set",
        "account.reset_sent",
        "account.unlocked",
        "account.updated",
    ]
    written = caplog.text + "".join(f"{e.summary} {e.data}" for e in events)
    for value in (*PERSONAL, "王芳芳", "wff@example.cn", "13800000000", "wangfang"):
        assert value not in written


def test_only_national_administrators_get_staff_and_superuser(national_admin, department, anhui, hefei):
    admin = create(national_admin, department, role=Role.NATIONAL_ADMIN, username="a1")
    provincial = create(national_admin, anhui, role=Role.PROVINCIAL, username="p1")
    implementing = create(national_admin, hefei, username="i1")
    expert = create(national_admin, None, role=Role.EXPERT, username="e1")

    assert [(u.is_staff, u.is_superuser) for u in (admin, provincial, implementing, expert)] == [
        (True, True),
        (False, False),
        (False, False),
        (False, False),
    ]


@pytest.mark.parametrize("actor", ["hefei_officer", "expert_from_anhui", "zhejiang_officer"])
def test_create_account_refuses_actors_without_the_right(request, actor, hefei):
    with pytest.raises(DomainError):
        create(request.getfixturevalue(actor), hefei)
    assert not User.objects.filter(username="wangfang").exists()


def test_provincial_officer_may_not_create_a_provincial_account(anhui_officer, anhui):
    with pytest.raises(DomainError) as refused:
        create(anhui_officer, anhui, role=Role.PROVINCIAL)

    assert refused.value.message == "您无权创建或修改该角色的账号。"


def test_provincial_officer_may_not_create_for_another_province(anhui_officer, hangzhou):
    with pytest.raises(DomainError) as refused:
        create(anhui_officer, hangzhou)

    assert (refused.value.field, refused.value.message) == ("organisation", "您只能管理本省实施单位的账号。")


def test_create_account_needs_an_email(national_admin, hefei):
    with pytest.raises(DomainError) as refused:
        create(national_admin, hefei, email=" ")

    assert refused.value.field == "email"


def test_create_account_refuses_a_user_name_taken_in_another_case(national_admin, hefei, hefei_officer):
    with pytest.raises(DomainError) as refused:
        create(national_admin, hefei, username="HEFEI")

    assert refused.value.field == "username"


def test_update_account_refuses_another_provinces_officer(zhejiang_officer, hefei_officer):
    with pytest.raises(DomainError):
        services.update_account(
            zhejiang_officer,
            hefei_officer,
            full_name="x",
            email="x@example.cn",
            organisation=hefei_officer.organisation,
        )
    hefei_officer.refresh_from_db()
    assert hefei_officer.full_name == "合肥经办人"


def test_update_account_without_changes_writes_nothing(anhui_officer, hefei_officer):
    services.update_account(
        anhui_officer,
        hefei_officer,
        full_name=hefei_officer.full_name,
        email=hefei_officer.email,
        phone=hefei_officer.phone,
        organisation=hefei_officer.organisation,
    )

    assert not AuditEvent.objects.exists()


def test_set_account_active_refuses_oneself(anhui_officer, national_admin):
    with pytest.raises(DomainError) as refused:
        services.set_account_active(national_admin, national_admin, False)

    assert refused.value.message == "不能停用自己的账号。"


@pytest.mark.parametrize("service", ["unlock_account", "send_password_reset"])
def test_unlock_and_reset_refuse_out_of_scope(zhejiang_officer, hefei_officer, service):
    with pytest.raises(DomainError):
        getattr(services, service)(zhejiang_officer, hefei_officer)


def test_assignable_organisations_are_exactly_what_can_assign_allows(
    national_admin,
    anhui_officer,
    hefei_officer,
    expert_from_anhui,
    national_office,
    department,
    anhui,
    zhejiang,
    hefei,
    wuhu,
    hangzhou,
    sichuan_centre,
):
    for actor in (national_admin, anhui_officer, hefei_officer, expert_from_anhui):
        for role in Role.values:
            offered = set(permissions.assignable_organisations(actor, role))
            allowed = {org for org in Organisation.objects.all() if permissions.can_assign(actor, role, org)}
            assert offered == allowed, (actor.username, role)


def test_provincial_officer_sees_only_its_implementing_officers(
    anhui_officer, hefei_officer, hangzhou_officer, national_admin, expert_from_anhui, zhejiang_officer
):
    assert list(permissions.visible_users(anhui_officer)) == [hefei_officer]
    assert list(permissions.visible_users(hefei_officer)) == []
    assert list(permissions.visible_users(expert_from_anhui)) == []
