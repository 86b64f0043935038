import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from dibiao.accounts.models import User
from dibiao.core.models import AuditEvent
from dibiao.organisations.models import Organisation
from dibiao.recommendations.models import Recommendation, Transition
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Quota, Round

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def snapshot():
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "rounds": Round.objects.count(),
        "quotas": list(
            Quota.objects.order_by("pk").values_list("round__year", "province__province_code", "cap")
        ),
        "recommendations": list(Recommendation.objects.order_by("pk").values_list("state", "number")),
        "transitions": Transition.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_seed_demo_builds_the_2021_round_and_an_open_current_round(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out

    round_2021 = Round.objects.get(year=2021)
    assert round_2021.deadline_at.astimezone(SHANGHAI) == dt.datetime(
        2021, 9, 15, 23, 59, 59, tzinfo=SHANGHAI
    )
    assert Quota.objects.filter(round=round_2021).aggregate(total=Sum("cap"))["total"] == 184
    assert Quota.objects.filter(round=round_2021).count() == 32
    current = Round.objects.get(year=timezone.localdate().year)
    assert current.state == RoundState.OPEN
    assert current.deadline_at > timezone.now()
    assert set(Recommendation.objects.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "recommended",
        "received",
    }
    assert "admin" in out
    assert "dibiao-demo-2021" in out
    assert User.objects.get(username="hefei").check_password("dibiao-demo-2021")


def test_rerunning_seed_demo_changes_nothing(capsys):
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")

    assert snapshot() == before
    assert "nothing changed" in capsys.readouterr().out
