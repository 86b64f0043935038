from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dibiao.accounts import permissions
from dibiao.dashboards import queries


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands here and sees its own real numbers."""
    user = request.user
    round_ = queries.current_round()
    context: dict[str, object] = {"round": round_}
    if permissions.is_national_admin(user):
        context["national"] = queries.national_numbers(round_)
    elif permissions.is_provincial_officer(user):
        context["provincial"] = queries.provincial_numbers(user.organisation, round_)  # type: ignore[union-attr]
    elif permissions.is_implementing_officer(user):
        context["implementing"] = queries.implementing_numbers(user.organisation, round_)  # type: ignore[union-attr]
    elif permissions.is_expert(user):
        context["expert"] = queries.expert_numbers(user)
    return render(request, "dashboards/home.html", context)
