"""The many repeated parts of the recommendation pages, printed in Python.

The template engine spends several microseconds on every `{{ variable }}` and `{% if %}`, and
Django's `escape`/`format_html` about two per value. The list pages have 50 rows of six to
eight cells (the national page 32 more rows and two long filters), and the read-only form
about 40 fields of a dozen nodes each, so printing them node by node was most of each page's
time. These tags print the same markup from values made ready (`listings`, `forms.PaperForm`),
every value escaped with `html.escape` (what Django's `escape` calls) unless already safe.
Texts to translate are looked up outside the f-strings: makemessages does not see into them.

    {% load recommendation_markup %}
    <tbody>{% province_rows group.rows can_recommend %}</tbody>
"""

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _text(value: Any) -> str:
    """`value` as HTML text: what `{{ value }}` prints (markup already safe is kept)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def _html(parts: Iterable[str]) -> SafeString:
    """Markup built in this module, in which every value has passed through `_text`."""
    return mark_safe("".join(parts))  # noqa: S308  every value in it is escaped by _text


def _badge(css: str, text: str) -> str:
    return f' <span class="badge {css}">{_text(text)}</span>'


@register.simple_tag
def province_rows(rows: Iterable[dict[str, Any]], can_recommend: bool) -> SafeString:
    """The rows of one state's table on the province's page (`listings.province_rows`), with
    the steps the province may take on each."""
    returned = _badge("bad", gettext("returned"))
    recommend, return_ = _text(gettext("Recommend")), _text(gettext("Return"))
    withdraw, view = _text(gettext("Withdraw")), _text(gettext("View"))
    out = []
    for rec in rows:
        url = _text(rec["url"])
        if can_recommend and rec["state"] == "submitted":
            actions = (
                f'<a class="btn small" href="{url}#action-recommend">{recommend}</a> '
                f'<a class="btn small secondary" href="{url}#action-return">{return_}</a>'
            )
        elif can_recommend and rec["state"] == "recommended":
            actions = f'<a class="btn small secondary" href="{url}#action-withdraw">{withdraw}</a>'
        else:
            actions = f'<a class="btn small secondary" href="{url}">{view}</a>'
        out.append(
            f"<tr><td>{_text(rec['unit'])}</td>"
            f'<td><a href="{url}">{_text(rec["name"])}</a>{returned if rec["is_returned"] else ""}</td>'
            f"<td>{_text(rec['number'])}</td>"
            f"<td>{_text(rec['submitted'])}</td>"
            f'<td><div class="actions">{actions}</div></td></tr>\n'
        )
    return _html(out)


@register.simple_tag
def province_totals_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The national page's table by province (`listings.national_rows`)."""
    extended = _badge("info", gettext("extended"))
    out = []
    for row in rows:
        paper_missing = _badge("warn", f"−{row['paper_missing']}") if row["paper_missing"] else ""
        out.append(
            f'<tr><td><a href="{_text(row["href"])}">{_text(row["name"])}</a></td>'
            f'<td class="num">{row["submitted"]:d}</td>'
            f'<td class="num">{row["recommended"]:d}</td>'
            f'<td class="num">{row["received"]:d}</td>'
            f'<td class="num">{row["paper"]:d}{paper_missing}</td>'
            f'<td class="num">{"—" if row["quota"] is None else _text(row["quota"])}</td>'
            f'<td class="num">{_text(row["quota_use"])}</td>'
            f"<td>{_text(row['deadline'])}{extended if row['extended'] else ''}</td></tr>\n"
        )
    return _html(out)


@register.simple_tag
def national_list_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """One page of the national list (`listings.national_page_rows`)."""
    returned = _badge("bad", gettext("returned"))
    missing_label = gettext("missing")
    missing = f'<span class="badge warn">{_text(missing_label)}</span>'
    out = []
    for rec in rows:
        paper = _text(rec["paper"]) if rec["paper"] else (missing if rec["paper_missing"] else "—")
        out.append(
            f"<tr><td>{_text(rec['number'])}</td>"
            f"<td>{_text(rec['province_name'])}</td>"
            f"<td>{_text(rec['unit'])}</td>"
            f'<td><a href="{_text(rec["url"])}">{_text(rec["name"])}</a></td>'
            f"<td>{_text(rec['state_label'])}{returned if rec['is_returned'] else ''}</td>"
            f"<td>{paper}</td></tr>\n"
        )
    return _html(out)


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any]], chosen: Any) -> SafeString:
    """`<option>`s for (value, label) pairs, the one whose value is `chosen` selected."""
    chosen = "" if chosen is None else str(chosen)
    return _html(
        f'<option value="{_text(value)}"{" selected" if str(value) == chosen else ""}>{_text(label)}</option>'
        for value, label in choices
    )


@register.simple_tag
def value_cell(field: Any) -> SafeString:
    """A form field that is not editable (`forms.BoundField`): its value, or "—", and its
    errors; the read-only half of edit.html's `input` partial."""
    field_id = _text(field.id)
    errors = "".join(f"<li>{_text(error)}</li>" for error in field.errors)
    return _html(
        (
            f'<div class="cell{" has-error" if field.errors else ""}">\n',
            f'  <span class="value{"" if field.value else " empty"}" id="{field_id}">{_text(field.value or "—")}</span>\n',
            f'<ul class="errorlist" id="{field_id}-errors" data-errors-for="{_text(field.name)}">{errors}</ul>\n',
            "</div>",
        )
    )
