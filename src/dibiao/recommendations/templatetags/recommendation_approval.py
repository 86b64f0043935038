"""六、批准情况 on the recommendation pages, as the reader may see it (queries.visible_approval)."""

from typing import Any

from django import template

from dibiao.recommendations import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def visible_approval(context: template.Context, rec: Any) -> dict[str, Any] | None:
    request = context.get("request")
    return queries.visible_approval(rec, getattr(request, "user", None))
