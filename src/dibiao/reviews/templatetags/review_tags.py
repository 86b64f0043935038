"""The review pages in the top navigation.

base.html shows them with `{% load review_tags %}{% review_nav %}`. The `points` filter
writes points as people do (20, not 20.0).

Who sees which link is decided by accounts.permissions, as the pages themselves decide it:
the national administrator (who manages the review) the review of the rounds, the expert pool
and the ranking; an expert their score sheets, and the group leader (组长) also the group's
opinions of the latest round they lead whose review has started; the provinces and the
implementing units the outcome, once a round's results are published. The navigation asks the
database at most once (nothing for the administrator), and that answer is kept under the data
revision (core/pages.py `derived`), so a page costs the same whatever the number of rounds.
"""

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from dibiao.accounts import permissions
from dibiao.accounts.permissions import ReviewAction
from dibiao.core import pages
from dibiao.reviews import services
from dibiao.reviews.models import Panel
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """Points as people write them: 20.0 → 20, 18.5 → 18.5; nothing → —."""
    if value is None or value == "":
        return "—"
    return services.points_text(Decimal(str(value)))


def _led_round_id(user: Any) -> int:
    """The latest round whose review has started and whose group `user` leads; 0 if none.
    One query, kept under the data revision."""

    def compute() -> int:
        led = (
            Panel.objects.filter(leader__user_id=user.pk, review_started_at__isnull=False)
            .order_by("-round__year", "-round_id")
            .values_list("round_id", flat=True)
            .first()
        )
        return led or 0

    return pages.derived(f"review-nav:leads:{user.pk}", compute) or 0


def _any_round_published() -> bool:
    """Has the outcome of any round been published? One query, kept under the data revision."""
    return bool(
        pages.derived(
            "review-nav:published", lambda: Round.objects.filter(state=RoundState.PUBLISHED).exists()
        )
    )


def _reads_outcome(user: Any) -> bool:
    """The provinces and the implementing units read the outcome page; the administrator has
    the ranking, which says the same and more."""
    return permissions.is_provincial_officer(user) or permissions.is_implementing_officer(user)


def review_links(user: Any) -> list[dict[str, str]]:
    """The review pages `user` uses day to day, as {"url", "label"}, in the navigation's order."""
    links = []
    if permissions.can(user, ReviewAction.MANAGE):
        links.append({"url": reverse("reviews:index"), "label": _("Expert review")})
        links.append({"url": reverse("reviews:experts"), "label": _("Expert pool")})
        links.append({"url": reverse("reviews:ranking"), "label": _("Ranking of the expert review")})
    elif permissions.is_expert(user):
        links.append({"url": reverse("reviews:my_assignments"), "label": _("My reviews")})
        led = _led_round_id(user)
        if led:
            links.append(
                {"url": reverse("reviews:leader_projects", args=[led]), "label": _("Group opinions")}
            )
    elif _reads_outcome(user) and _any_round_published():
        links.append({"url": reverse("reviews:outcome"), "label": _("Outcome of the selection")})
    return links


@register.inclusion_tag("reviews/nav.html", takes_context=True)
def review_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {"links": review_links(getattr(request, "user", None))}
