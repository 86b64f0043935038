"""The review pages in the top navigation.

base.html shows them with `{% load review_tags %}{% review_nav %}`. The `points` filter
writes points as people do (20, not 20.0).
"""

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from dibiao.accounts import permissions
from dibiao.accounts.permissions import ReviewAction
from dibiao.reviews import services

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """Points as people write them: 20.0 → 20, 18.5 → 18.5; nothing → —."""
    if value is None or value == "":
        return "—"
    return services.points_text(Decimal(str(value)))


@register.inclusion_tag("reviews/nav.html", takes_context=True)
def review_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    links = []
    if permissions.can(user, ReviewAction.MANAGE):
        links.append({"url": reverse("reviews:index"), "label": _("Expert review")})
        links.append({"url": reverse("reviews:experts"), "label": _("Expert pool")})
    elif permissions.is_expert(user):
        links.append({"url": reverse("reviews:my_assignments"), "label": _("My reviews")})
    return {"links": links}
