"""Rounds, hand-entered quotas, holdings, the proposal and extensions, through their services."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from dibiao.core.errors import DomainError, ImportProblems
from dibiao.core.models import AuditEvent
from dibiao.rounds import queries, services
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Extension, Holding, Quota, Round
from tests.factories import ImplementingUnitFactory
from tests.rounds.conftest import holdings_csv

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def beijing(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def caps(round):
    return dict(Quota.objects.filter(round=round).values_list("province__province_code", "cap"))


# --- rounds ------------------------------------------------------------------------------------


def test_create_round_stores_utc_and_records_it(national_admin):
    round = services.create_round(
        actor=national_admin,
        year=2021,
        title=" 2021年地理标志运用促进工程重点项目推荐 ",
        notice_ref="国知发运字〔2021〕20号",
        opens_at=beijing(2021, 6, 1, 0, 0),
        deadline_at=beijing(2021, 9, 15, 23, 59, 59),
    )

    round.refresh_from_db()
    assert round.title == "2021年地理标志运用促进工程重点项目推荐"
    assert round.state == RoundState.DRAFT
    assert round.deadline_at == dt.datetime(2021, 9, 15, 15, 59, 59, tzinfo=dt.UTC)
    event = AuditEvent.objects.get()
    assert (event.verb, event.object_id, event.data["deadline_at"]) == (
        "round.create",
        str(round.pk),
        "2021-09-15T23:59:59+08:00",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline_at": beijing(2021, 6, 1, 0, 0)}, "deadline_at", "截止时间必须晚于开始时间。"),
        ({"deadline_at": beijing(2021, 5, 1, 0, 0)}, "deadline_at", "截止时间必须晚于开始时间。"),
        ({"year": 2020}, "year", "2020 年度的推荐批次已存在。"),
        ({"year": 1999}, "year", "年度应在 2000 至 2100 之间。"),
        ({"title": "  "}, "title", "请填写标题。"),
    ],
    ids=["deadline-equals-opening", "deadline-before-opening", "year-taken", "year-out-of-range", "no-title"],
)
def test_update_round_refuses_invalid_values(changes, field, message, national_admin):
    services.create_round(
        actor=national_admin,
        year=2020,
        title="2020",
        opens_at=beijing(2020, 6, 1),
        deadline_at=beijing(2020, 9, 1),
    )
    round = services.create_round(
        actor=national_admin,
        year=2021,
        title="2021",
        opens_at=beijing(2021, 6, 1),
        deadline_at=beijing(2021, 9, 15),
    )

    with pytest.raises(DomainError) as refused:
        services.update_round(round, actor=national_admin, **changes)

    assert (refused.value.field, refused.value.message) == (field, message)
    round.refresh_from_db()
    assert (round.year, round.title, round.deadline_at) == (2021, "2021", beijing(2021, 9, 15))


def test_update_round_records_old_and_new_values_of_what_changed(national_admin):
    round = services.create_round(
        actor=national_admin,
        year=2021,
        title="2021",
        opens_at=beijing(2021, 6, 1),
        deadline_at=beijing(2021, 9, 15),
    )

    services.update_round(round, actor=national_admin, state=RoundState.OPEN, title="2021")

    round.refresh_from_db()
    assert round.state == RoundState.OPEN
    event = AuditEvent.objects.filter(verb="round.update").get()
    assert (event.data["old"], event.data["new"]) == ({"state": "draft"}, {"state": "open"})


def test_update_round_without_changes_records_nothing(national_admin):
    round = services.create_round(
        actor=national_admin,
        year=2021,
        title="2021",
        opens_at=beijing(2021, 6, 1),
        deadline_at=beijing(2021, 9, 15),
    )

    services.update_round(round, actor=national_admin, title="2021")

    assert not AuditEvent.objects.filter(verb="round.update").exists()


# --- quotas by hand ----------------------------------------------------------------------------


def test_set_quotas_changes_only_the_given_caps_and_their_basis(quotas_2021, national_admin):
    services.set_quotas(quotas_2021, {"11": 3, "12": 2}, actor=national_admin, basis="局务会决定")

    beijing_quota = Quota.objects.get(round=quotas_2021, province__province_code="11")
    tianjin_quota = Quota.objects.get(round=quotas_2021, province__province_code="12")
    assert (beijing_quota.cap, beijing_quota.basis) == (3, "局务会决定")
    # Tianjin's cap did not change: it keeps its basis.
    assert (tianjin_quota.cap, tianjin_quota.basis) == (2, "国知发运字〔2021〕20号附件2")
    event = AuditEvent.objects.filter(verb="quotas.set").get()
    assert event.data["changes"] == {"11": [2, 3]}


def test_set_quotas_without_basis_says_set_by_hand(quotas_2021, national_admin):
    services.set_quotas(quotas_2021, {"11": 3}, actor=national_admin)

    assert Quota.objects.get(round=quotas_2021, province__province_code="11").basis == "人工调整"


def test_set_quotas_refuses_a_negative_cap(quotas_2021, national_admin):
    with pytest.raises(DomainError, match="名额应在 0 至 999 之间"):
        services.set_quotas(quotas_2021, {"11": 3, "12": -1}, actor=national_admin)

    assert caps(quotas_2021)["11"] == 2


def test_set_quotas_refuses_an_implementing_unit(quotas_2021, national_admin):
    ImplementingUnitFactory(code="340100", province_code="34")

    with pytest.raises(DomainError, match="340100 不是省级知识产权局的代码"):
        services.set_quotas(quotas_2021, {"340100": 3}, actor=national_admin)


# --- holdings and the proposal -----------------------------------------------------------------


def test_import_holdings_records_every_province(round_2021, all_provinces, national_admin):
    changed = services.import_holdings(round_2021, holdings_csv(), actor=national_admin)

    assert changed == 32
    beijing_holding = Holding.objects.get(round=round_2021, province__province_code="11")
    assert (beijing_holding.gi_products, beijing_holding.gi_trademarks) == (
        11 % 13 * 9 + 5,
        11 % 17 * 23 + 11,
    )


def test_bad_holdings_file_names_rows_and_changes_nothing(round_2021, all_provinces, national_admin):
    services.import_holdings(round_2021, holdings_csv(), actor=national_admin)
    lines = holdings_csv().decode().splitlines()
    lines[1] = "11,十,5"
    lines[2] = "12,3,-2"

    with pytest.raises(ImportProblems) as refused:
        services.import_holdings(round_2021, "\n".join(lines).encode(), actor=national_admin)

    assert refused.value.problems == [
        "第 2 行：地理标志产品数量“十”不是整数。",
        "第 3 行：地理标志商标数量 -2 为负数，应不小于 0。",
    ]
    assert Holding.objects.get(round=round_2021, province__province_code="11").gi_products == 11 % 13 * 9 + 5


def test_proposal_changes_nothing_until_applied(quotas_2021, national_admin):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)
    before = caps(quotas_2021)

    proposal = queries.proposal_for(quotas_2021, total=184, floor=2, ceiling=10)

    assert sum(proposal.caps.values()) == 184
    assert proposal.caps != before
    assert caps(quotas_2021) == before
    assert not AuditEvent.objects.filter(verb="quotas.apply_proposal").exists()


def test_apply_proposal_writes_quotas_with_their_basis(quotas_2021, national_admin):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)
    proposal = queries.proposal_for(quotas_2021, total=184, floor=1, ceiling=10)

    result = services.apply_proposal(
        quotas_2021, total=184, floor=1, ceiling=10, actor=national_admin, expected=proposal.caps
    )

    assert result == proposal.caps
    assert set(Quota.objects.filter(round=quotas_2021).values_list("basis", flat=True)) == {
        "按2020年底地理标志拥有量（产品+商标）比例分配，下限1、上限10"
    }
    event = AuditEvent.objects.get(verb="quotas.apply_proposal")
    assert (event.data["total"], event.data["floor"], event.data["ceiling"]) == (184, 1, 10)


def test_apply_proposal_refuses_when_holdings_changed_since_it_was_shown(quotas_2021, national_admin):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)
    shown = queries.proposal_for(quotas_2021, total=184, floor=1, ceiling=10).caps
    services.set_holdings(quotas_2021, {"11": (900, 900)}, actor=national_admin)
    before = caps(quotas_2021)

    with pytest.raises(DomainError, match="生成本方案后地理标志拥有量已有变化"):
        services.apply_proposal(
            quotas_2021, total=184, floor=1, ceiling=10, actor=national_admin, expected=shown
        )

    assert caps(quotas_2021) == before


def test_apply_proposal_needs_holdings(quotas_2021, national_admin):
    with pytest.raises(DomainError, match="请先录入地理标志拥有量"):
        services.apply_proposal(quotas_2021, total=184, floor=1, ceiling=10, actor=national_admin)


@pytest.mark.parametrize(
    ("total", "floor", "ceiling", "message"),
    [
        (31, 1, 10, "下限为 1 时，32 个省级单位至少需要 32 个名额。"),
        (321, 1, 10, "上限为 10 时，32 个省级单位最多只能分配 320 个名额。"),
        (184, 6, 5, "下限不能高于上限。"),
    ],
)
def test_proposal_bounds_are_checked_with_a_message(
    total, floor, ceiling, message, quotas_2021, national_admin
):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)

    with pytest.raises(DomainError) as refused:
        services.apply_proposal(quotas_2021, total=total, floor=floor, ceiling=ceiling, actor=national_admin)

    assert refused.value.message == message


# --- extensions and deadlines ------------------------------------------------------------------


def test_deadline_is_the_rounds_without_an_extension(round_2021, anhui):
    assert queries.deadline_for(round_2021, anhui) == beijing(2021, 9, 15, 23, 59, 59)


def test_extension_moves_one_provinces_deadline(round_2021, anhui, zhejiang, national_admin):
    extension = services.grant_extension(
        round_2021, anhui, beijing(2021, 9, 22, 17, 0), " 汛期影响材料报送 ", national_admin
    )

    assert (extension.reason, extension.granted_by) == ("汛期影响材料报送", national_admin)
    assert queries.deadline_for(round_2021, anhui) == beijing(2021, 9, 22, 17, 0)
    assert queries.deadline_for(round_2021, zhejiang) == beijing(2021, 9, 15, 23, 59, 59)
    assert queries.deadlines_in_round(round_2021) == {
        anhui.pk: beijing(2021, 9, 22, 17, 0),
        zhejiang.pk: beijing(2021, 9, 15, 23, 59, 59),
    }
    event = AuditEvent.objects.get(verb="extension.grant")
    assert (event.object_id, event.data["province"]) == (str(extension.pk), "34")


def test_the_extension_granted_last_is_in_force(round_2021, anhui, national_admin):
    with time_machine.travel(beijing(2021, 9, 16, 9, 0)):
        services.grant_extension(round_2021, anhui, beijing(2021, 9, 30, 17, 0), "初次延期", national_admin)
    with time_machine.travel(beijing(2021, 9, 17, 9, 0)):
        services.grant_extension(
            round_2021, anhui, beijing(2021, 9, 20, 17, 0), "更正延期时间", national_admin
        )

    assert queries.deadline_for(round_2021, anhui) == beijing(2021, 9, 20, 17, 0)
    assert queries.deadlines_in_round(round_2021)[anhui.pk] == beijing(2021, 9, 20, 17, 0)


@pytest.mark.parametrize(
    ("until", "reason", "field", "message"),
    [
        (beijing(2021, 9, 20), "", "reason", "请填写延期理由。"),
        (beijing(2021, 9, 20), "   ", "reason", "请填写延期理由。"),
        (
            beijing(2021, 9, 15, 23, 59, 59),
            "理由",
            "until",
            "延期截止时间必须晚于本批次截止时间（2021-09-15 23:59）。",
        ),
    ],
)
def test_grant_extension_refuses(until, reason, field, message, round_2021, anhui, national_admin):
    with pytest.raises(DomainError) as refused:
        services.grant_extension(round_2021, anhui, until, reason, national_admin)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Extension.objects.exists()


def test_grant_extension_only_to_provincial_units(round_2021, hefei, national_admin):
    with pytest.raises(DomainError, match="只能为省级知识产权局延期"):
        services.grant_extension(round_2021, hefei, beijing(2021, 9, 20), "理由", national_admin)


def test_rounds_are_listed_newest_first(national_admin):
    for year in (2021, 2023, 2022):
        services.create_round(
            actor=national_admin,
            year=year,
            title=str(year),
            opens_at=beijing(year, 6, 1),
            deadline_at=beijing(year, 9, 15),
        )

    assert [round.year for round in queries.rounds_with_totals()] == [2023, 2022, 2021]
    assert Round.objects.count() == 3
