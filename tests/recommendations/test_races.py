"""The quota and the numbering hold when many people act at once.

On PostgreSQL the tests fire real concurrent requests: one thread per request, each with its
own database connection, released together by a barrier. SQLite cannot run writers
concurrently (IMMEDIATE transactions make them queue), so there the same scenarios run one
after another and must give the same result.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dibiao.recommendations import services, workflow
from dibiao.recommendations.choices import Action, Section, State
from dibiao.recommendations.models import Recommendation, Transition
from dibiao.recommendations.workflow import WorkflowError
from dibiao.rounds.models import Quota
from tests.factories import RECOMMENDING_OPINION, recommended_recommendation, submitted_recommendation, upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks under real concurrency need PostgreSQL (run with DATABASE_URL=postgres://...); "
    "on SQLite the sequential tests in this file cover the same scenarios.",
)
QUOTA_USED_UP = "名额已用完：安徽省知识产权局本批次最多可推荐 3 个项目，已推荐 3 个。如需推荐此项目，请先撤回一个已推荐的项目。"
SOMEONE_ELSE = "此推荐书已被他人处理，当前状态为“{}”。请刷新页面查看最新状态。"


def all_at_once(calls):
    """Run every call in its own thread with its own connection, all released together;
    return each call's result: "ok" or the WorkflowError's message."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            return "ok"
        except WorkflowError as error:
            return error.message
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def one_after_another(calls):
    results = []
    for call in calls:
        try:
            call()
            results.append("ok")
        except WorkflowError as error:
            results.append(error.message)
    return results


def ready_to_recommend(count, unit_officer, province_officer, round):
    pks = []
    for _ in range(count):
        rec = submitted_recommendation(unit_officer, round)
        services.add_attachment(
            rec, actor=province_officer, section=Section.RECOMMENDING_SEAL, uploaded_file=upload("省局.pdf")
        )
        pks.append(rec.pk)
    return pks


def recommend_call(pk, officer):
    def call():
        rec = Recommendation.objects.get(pk=pk)
        workflow.perform(rec, Action.RECOMMEND, actor=officer, opinion=RECOMMENDING_OPINION)

    return call


def receive_call(pk, admin):
    def call():
        workflow.perform(Recommendation.objects.get(pk=pk), Action.RECEIVE, actor=admin)

    return call


def check_quota_held(results, anhui):
    assert results.count("ok") == 3
    assert [result for result in results if result != "ok"] == [QUOTA_USED_UP] * (len(results) - 3)
    assert Recommendation.objects.filter(province=anhui, state=State.RECOMMENDED).count() == 3
    assert Transition.objects.filter(action=Action.RECOMMEND).count() == 3


def check_numbers(pks):
    numbers = sorted(Recommendation.objects.filter(pk__in=pks).values_list("number", flat=True))
    assert numbers == [f"2021-34-{seq:02d}" for seq in range(1, len(pks) + 1)]
    assert sorted(Recommendation.objects.filter(pk__in=pks).values_list("number_seq", flat=True)) == list(
        range(1, len(pks) + 1)
    )


@pytest.fixture
def quota_of_three(round_2021, anhui):
    Quota.objects.filter(round=round_2021, province=anhui).update(cap=3)


@pytest.fixture
def quota_of_ten(round_2021, anhui):
    Quota.objects.filter(round=round_2021, province=anhui).update(cap=10)


@pytest.mark.postgres
@postgres_only
def test_twenty_simultaneous_recommendations_never_exceed_a_quota_of_three(
    round_2021, quota_of_three, hefei_officer, anhui_officer, anhui
):
    pks = ready_to_recommend(20, hefei_officer, anhui_officer, round_2021)
    results = all_at_once([recommend_call(pk, anhui_officer) for pk in pks])
    check_quota_held(results, anhui)


@pytest.mark.postgres
@postgres_only
def test_ten_simultaneous_receipts_get_gapless_unique_numbers(
    round_2021, quota_of_ten, hefei_officer, anhui_officer, national_admin
):
    pks = [recommended_recommendation(hefei_officer, anhui_officer, round_2021).pk for _ in range(10)]
    results = all_at_once([receive_call(pk, national_admin) for pk in pks])
    assert results == ["ok"] * 10
    check_numbers(pks)


@pytest.mark.postgres
@postgres_only
def test_two_officers_recommending_the_same_project_at_once(round_2021, hefei_officer, anhui_officer, anhui):
    from tests.factories import UserFactory

    colleague = UserFactory(role="provincial", organisation=anhui)
    [pk] = ready_to_recommend(1, hefei_officer, anhui_officer, round_2021)
    results = all_at_once([recommend_call(pk, anhui_officer), recommend_call(pk, colleague)])
    assert sorted(results) == sorted(["ok", SOMEONE_ELSE.format("已推荐")])
    assert Transition.objects.filter(recommendation_id=pk, action=Action.RECOMMEND).count() == 1
    assert Recommendation.objects.get(pk=pk).versions.count() == 2


def test_one_after_another_a_quota_of_three_admits_three(
    round_2021, quota_of_three, hefei_officer, anhui_officer, anhui
):
    pks = ready_to_recommend(20, hefei_officer, anhui_officer, round_2021)
    results = one_after_another([recommend_call(pk, anhui_officer) for pk in pks])
    assert results[:3] == ["ok"] * 3
    check_quota_held(results, anhui)


def test_one_after_another_receipts_are_numbered_without_gaps(
    round_2021, quota_of_ten, hefei_officer, anhui_officer, national_admin
):
    pks = [recommended_recommendation(hefei_officer, anhui_officer, round_2021).pk for _ in range(10)]
    assert one_after_another([receive_call(pk, national_admin) for pk in pks]) == ["ok"] * 10
    check_numbers(pks)
