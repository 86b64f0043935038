"""Deciding on the key projects and publishing the outcome (reviews/decisions.py)."""

import pytest

from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Recommendation, Transition
from dibiao.reviews import decisions
from dibiao.reviews.models import Decision, Panel
from dibiao.rounds.choices import RoundState
from tests.factories import RoundFactory
from tests.reviews.ranking_data import EXPERT_NAMES, make_expert, make_project, review

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def reviewed(round_2021, hefei, hangzhou, national_admin):
    """Three reviewed projects (two of Anhui, one of Zhejiang), each scored by three experts."""
    experts = [make_expert(name) for name in EXPERT_NAMES]
    recs = [
        make_project(round_2021, hefei, name="砀山酥梨项目"),
        make_project(round_2021, hefei, name="黄山毛峰项目"),
        make_project(round_2021, hangzhou, name="西湖龙井项目"),
    ]
    for index, rec in enumerate(recs):
        for expert in experts:
            review(rec, expert, 80 + index, by=national_admin)
    return recs


def _ids(recs):
    return [rec.pk for rec in recs]


def _states(recs):
    return [Recommendation.objects.get(pk=rec.pk).state for rec in recs]


def _audit(verb):
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk").values_list("object_id", "data"))


# --- deciding ------------------------------------------------------------------------------------


def test_decide_records_a_decision_per_shown_project_and_leaves_states(round_2021, reviewed, national_admin):
    first, second, third = reviewed

    result = decisions.decide(
        round_2021, actor=national_admin, shown=_ids(reviewed), selected=[first.pk, third.pk], note="评审会议"
    )

    assert result == decisions.Decided(created=3, changed=0, unchanged=0)
    assert sorted(
        Decision.objects.values_list("recommendation_id", "is_selected", "note", "decided_by_id")
    ) == [
        (first.pk, True, "评审会议", national_admin.pk),
        (second.pk, False, "评审会议", national_admin.pk),
        (third.pk, True, "评审会议", national_admin.pk),
    ]
    # Nobody outside CNIPA learns of a decision before publication: the states stay as they were.
    assert _states(reviewed) == [State.REVIEWED] * 3
    assert Transition.objects.count() == 0
    decided = _audit("review.decided")
    assert [data["recommendation"] for _id, data in decided] == _ids(reviewed)
    assert [data["is_selected"] for _id, data in decided] == [True, False, True]


def test_changing_a_decision_is_recorded_with_old_and_new(round_2021, reviewed, national_admin):
    first, second, third = reviewed
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=[first.pk], note="初定")
    before = Decision.objects.get(recommendation=second).decided_at

    result = decisions.decide(
        round_2021, actor=national_admin, shown=_ids(reviewed), selected=[first.pk, second.pk], note="复议"
    )

    assert result == decisions.Decided(created=0, changed=1, unchanged=2)
    changed = Decision.objects.get(recommendation=second)
    assert (changed.is_selected, changed.note) == (True, "复议")
    assert changed.decided_at > before
    assert Decision.objects.get(recommendation=third).note == "初定"  # unchanged, untouched
    ((object_id, data),) = _audit("review.decision_changed")
    assert object_id == str(changed.pk)
    assert data["old"]["is_selected"] is False
    assert data["new"] == {"is_selected": True, "note": "复议", "decided_by": national_admin.pk}


def test_projects_hidden_by_the_filters_keep_their_decision(round_2021, reviewed, national_admin):
    first, second, third = reviewed
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=[third.pk])

    decisions.decide(round_2021, actor=national_admin, shown=[first.pk], selected=[first.pk])

    assert dict(Decision.objects.values_list("recommendation_id", "is_selected")) == {
        first.pk: True,
        second.pk: False,
        third.pk: True,
    }


def test_only_the_national_administrator_decides(round_2021, reviewed, anhui_officer, expert_from_anhui):
    for user in (anhui_officer, expert_from_anhui):
        with pytest.raises(DomainError):
            decisions.decide(round_2021, actor=user, shown=_ids(reviewed), selected=_ids(reviewed))

    assert Decision.objects.count() == 0


@pytest.mark.parametrize("state", [State.RECEIVED, State.IN_REVIEW, State.SUBMITTED])
def test_a_project_not_reviewed_cannot_be_decided(round_2021, reviewed, hefei, national_admin, state):
    early = make_project(round_2021, hefei, state=state)

    with pytest.raises(DomainError, match="请刷新排名后重新决定"):
        decisions.decide(round_2021, actor=national_admin, shown=[*_ids(reviewed), early.pk], selected=[])

    assert Decision.objects.count() == 0


def test_a_project_of_another_round_cannot_be_decided(round_2021, hefei, national_admin):
    other = make_project(RoundFactory(year=2022), hefei)

    with pytest.raises(DomainError):
        decisions.decide(round_2021, actor=national_admin, shown=[other.pk], selected=[other.pk])

    assert Decision.objects.count() == 0


def test_nothing_shown_is_refused(round_2021, national_admin):
    with pytest.raises(DomainError):
        decisions.decide(round_2021, actor=national_admin, shown=["x"], selected=[])


# --- publishing ----------------------------------------------------------------------------------


def test_publish_moves_every_project_as_decided_and_publishes_the_round(round_2021, reviewed, national_admin):
    first, second, third = reviewed
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=[first.pk, third.pk])

    result = decisions.publish(round_2021, actor=national_admin)

    assert result == decisions.Published(selected=2, not_selected=1)
    assert _states(reviewed) == [State.SELECTED, State.NOT_SELECTED, State.SELECTED]
    assert sorted(Transition.objects.values_list("recommendation_id", "action", "actor_id")) == sorted(
        [
            (first.pk, Action.SELECT, national_admin.pk),
            (second.pk, Action.NOT_SELECT, national_admin.pk),
            (third.pk, Action.SELECT, national_admin.pk),
        ]
    )
    round_2021.refresh_from_db()
    assert round_2021.state == RoundState.PUBLISHED
    assert Panel.objects.get(round=round_2021).published_at is not None
    # What the public list of key projects reads: selected projects of published rounds.
    public = Recommendation.objects.filter(state=State.SELECTED, round__state=RoundState.PUBLISHED)
    assert sorted(public.values_list("pk", flat=True)) == sorted([first.pk, third.pk])
    ((object_id, data),) = _audit("review.published")
    assert object_id == str(round_2021.pk)
    assert (data["selected"], data["not_selected"]) == (2, 1)
    ((_round_id, update),) = _audit("round.update")
    assert (update["old"]["state"], update["new"]["state"]) == (RoundState.OPEN, RoundState.PUBLISHED)


def test_publish_keeps_an_existing_panel(round_2021, reviewed, national_admin):
    panel = Panel.objects.create(round=round_2021, experts_per_project=3)
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=[])

    decisions.publish(round_2021, actor=national_admin)

    panel.refresh_from_db()
    assert panel.published_at is not None
    assert Panel.objects.count() == 1


def _nothing_published(round, recs):
    round.refresh_from_db()
    assert round.state == RoundState.OPEN
    assert not Panel.objects.filter(round=round, published_at__isnull=False).exists()
    assert _states(recs) == [State.REVIEWED] * len(recs)
    assert Transition.objects.count() == 0
    assert _audit("review.published") == []


def test_publish_is_refused_while_a_reviewed_project_is_undecided(round_2021, reviewed, national_admin):
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed[:2]), selected=[reviewed[0].pk])

    with pytest.raises(DomainError, match="有 1 个已评审项目尚未作出决定"):
        decisions.publish(round_2021, actor=national_admin)

    _nothing_published(round_2021, reviewed)


def test_publish_is_refused_while_a_project_is_still_in_review(round_2021, reviewed, hefei, national_admin):
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=[])
    make_project(round_2021, hefei, state=State.IN_REVIEW)
    make_project(round_2021, hefei, state=State.RECEIVED)

    with pytest.raises(DomainError, match="本批次仍有 2 个项目在评审中"):
        decisions.publish(round_2021, actor=national_admin)

    _nothing_published(round_2021, reviewed)


def test_publish_is_refused_without_reviewed_projects(round_2021, national_admin):
    with pytest.raises(DomainError, match="没有可公布的已评审项目"):
        decisions.publish(round_2021, actor=national_admin)


def test_publish_is_refused_to_others(round_2021, reviewed, national_admin, anhui_officer):
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=[])

    with pytest.raises(DomainError):
        decisions.publish(round_2021, actor=anhui_officer)

    _nothing_published(round_2021, reviewed)


def test_after_publication_nothing_changes_any_more(round_2021, reviewed, national_admin):
    decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=[reviewed[0].pk])
    decisions.publish(round_2021, actor=national_admin)

    with pytest.raises(DomainError, match="本批次结果已经公布"):
        decisions.publish(round_2021, actor=national_admin)
    with pytest.raises(DomainError, match="决定不能再更改"):
        decisions.decide(round_2021, actor=national_admin, shown=_ids(reviewed), selected=_ids(reviewed))

    assert Decision.objects.filter(is_selected=True).count() == 1
    assert Transition.objects.count() == 3


def test_publication_problems_name_each_obstacle(round_2021, reviewed, hefei, national_admin):
    make_project(round_2021, hefei, state=State.IN_REVIEW)

    assert decisions.publication_problems(round_2021) == [
        "本批次仍有 1 个项目在评审中。",
        "有 3 个已评审项目尚未作出决定。",
    ]
