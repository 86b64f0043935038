"""The recommendation pages in the top navigation, with the number of unread notices.

base.html shows them with `{% load recommendation_tags %}{% recommendation_nav %}`.
"""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from dibiao.accounts import permissions
from dibiao.recommendations import listings

register = template.Library()


@register.inclusion_tag("recommendations/nav.html", takes_context=True)
def recommendation_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"links": [], "unread": 0, "user_is_authenticated": False}
    links = []
    if permissions.is_implementing_officer(user):
        links.append({"url": reverse("recommendations:mine"), "label": _("Our recommendations")})
    if permissions.is_provincial_officer(user):
        links.append(
            {"url": reverse("recommendations:province"), "label": _("Recommendations of the province")}
        )
    if permissions.is_national_admin(user):
        links.append(
            {"url": reverse("recommendations:national"), "label": _("Recommendations: all provinces")}
        )
    return {"links": links, "unread": listings.unread_count(user), "user_is_authenticated": True}


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """The number of unread notices of the logged-in user (one query)."""
    request = context.get("request")
    return listings.unread_count(getattr(request, "user", None))
