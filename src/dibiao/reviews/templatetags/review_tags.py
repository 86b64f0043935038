"""The review pages in the top navigation.

base.html shows them with `{% load review_tags %}{% review_nav %}`.
"""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from dibiao.accounts import permissions
from dibiao.accounts.permissions import ReviewAction

register = template.Library()


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
