"""The ranking, the decision on the key projects, publication, and the outcome pages.

HTTP only: permission → query or service → response. The ranking, the decision and the
publication are the national administrator's alone (403 for everybody else); the outcome page
is for the provinces and implementing units, scoped by `visible_recommendations`, and shows
nothing before the round is published: no score, no reviewer, no rank, no decision.
"""

from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dibiao.accounts import permissions
from dibiao.accounts.permissions import ReviewAction, can, visible_recommendations
from dibiao.core import pages
from dibiao.core.errors import DomainError
from dibiao.core.htmx import is_htmx
from dibiao.recommendations.choices import State
from dibiao.reviews import decisions, exporters
from dibiao.reviews import ranking as ranks
from dibiao.reviews.models import Panel
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

AuthedRequest = HttpRequest

# The query parameters of the ranking table that a redirect back to it keeps.
TABLE_PARAMS = ("round", "province", "priority", "state", "sort")


def _require_admin(request: AuthedRequest) -> None:
    if not can(request.user, ReviewAction.MANAGE):
        raise PermissionDenied(_("Only the national administrator can see the ranking and decide on it."))


def _table_query(query: QueryDict, round: Round) -> str:
    """The ranking table's own parameters of `query`, for a link or a redirect back to it."""
    kept = QueryDict(mutable=True)
    for name in TABLE_PARAMS:
        value = query.get(name)
        if value:
            kept[name] = value
    kept["round"] = str(round.year)
    return kept.urlencode()


def _ranking_url(round: Round, query: QueryDict | None = None) -> str:
    return f"{reverse('reviews:ranking')}?{_table_query(query or QueryDict(), round)}"


def _table_body(rows: list[ranks.RankingRow], *, decidable: bool) -> SafeString:
    """The ranking table's rows as HTML.

    Written here rather than in the template: a round's table has some 3,700 cells, and the
    template engine's few microseconds a node would make the page several times slower than
    the 100 requests a second it must serve (bench/RESULTS.md). Every text is escaped, with
    the standard library's `html.escape` (quotes included), which does what Django's `escape`
    does without its lazy-string wrapper.
    """
    words = {
        "not_submitted": escape(_("not submitted")),
        "priority": escape(_("poverty-alleviated area")),
        "select": escape(_("select")),
        "undecided": escape(_("undecided")),
        "selected": escape(_("selected")),
        "not_selected": escape(_("not selected")),
    }
    states = {state.value: escape(str(state.label)) for state in ranks.RANKED_STATES}
    # Names recur from row to row (30 experts, 32 provinces): each is escaped once.
    names: dict[str, str] = {}

    def name(text: str) -> str:
        escaped = names.get(text)
        if escaped is None:
            escaped = names[text] = escape(text)
        return escaped

    # One reverse for all rows: the detail URL ends with the primary key.
    detail = reverse("recommendations:detail", args=[0]).removesuffix("0/")
    html = []
    for row in rows:
        cells = [
            f'<td class="num">{row.rank if row.rank is not None else "—"}</td>',
            f"<td>{escape(row.number) or '—'}</td>",
            f'<td><a href="{detail}{row.pk}/">{escape(row.project_name)}</a>'
            + (f' <span class="badge warn">{words["priority"]}</span>' if row.is_priority else "")
            + "</td>",
            f"<td>{name(row.province_name)}</td>",
            f"<td>{name(row.unit_name)}</td>",
        ]
        for review in row.slots:
            if review is None:
                cells.append("<td></td>")
            elif review.is_submitted:
                cells.append(f"<td>{name(review.expert)}: <strong>{review.total}</strong></td>")
            else:
                cells.append(
                    f'<td>{name(review.expert)}: <span class="muted">{words["not_submitted"]}</span></td>'
                )
        for value in (row.mean, row.spread, row.stdev):
            cells.append(f'<td class="num">{value if value is not None else "—"}</td>')
        cells.append(f'<td class="num">{row.submitted_count} / {row.assigned_count}</td>')
        cells.append(f"<td>{states.get(row.state, escape(row.state))}</td>")
        if decidable and row.is_decidable:
            checked = " checked" if row.decision else ""
            decision = (
                f'<input type="hidden" name="shown" value="{row.pk}">'
                f'<label><input type="checkbox" name="selected" value="{row.pk}"{checked}> {words["select"]}</label>'
            )
            if row.decision is None:
                decision += f' <span class="badge">{words["undecided"]}</span>'
        elif row.decision:
            decision = f'<span class="badge ok">{words["selected"]}</span>'
        elif row.decision is False:
            decision = f'<span class="badge">{words["not_selected"]}</span>'
        else:
            decision = "—"
        cells.append(f"<td>{decision}</td>")
        html.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(html))  # noqa: S308  every text above is escaped


@login_required
@require_GET
def ranking(request: AuthedRequest) -> HttpResponse:
    """The round's projects by rank: each expert's total, mean, spread, rank, province,
    implementing unit, the priority flag; sorted and filtered by query parameters (htmx swaps
    the table alone); with the decision form until the round is published."""
    _require_admin(request)

    def build() -> dict[str, Any]:
        rounds = list(Round.objects.order_by("-year"))
        round = ranks.ranking_round(request.GET.get("round"), rounds)
        context: dict[str, Any] = {"round": round, "rounds": rounds}
        if round is not None:
            rows = ranks.ranking_rows(round)
            filters = ranks.Filters.from_query(request.GET)
            shown = ranks.apply(rows, filters)
            decidable = any(row.is_decidable for row in shown) and not ranks.is_published(round)
            context.update(
                rows=shown,
                filters=filters,
                summary=ranks.summarise(rows),
                provinces=ranks.provinces_of(rows),
                states=[(state.value, state.label) for state in ranks.RANKED_STATES],
                slots=range(1, max((len(row.reviews) for row in rows), default=0) + 1),
                next_sort={
                    key: f"-{key}" if filters.sort == key and not filters.descending else key
                    for key in ranks.SORTS
                },
                is_published=ranks.is_published(round),
                decidable=decidable,
                table_body=_table_body(shown, decidable=decidable),
                table_query=_table_query(request.GET, round),
            )
        return context

    if is_htmx(request):
        return HttpResponse(pages.body(request, "reviews/ranking.html#ranking-htmx", build))
    body = pages.body(request, "reviews/ranking.html#body", build)
    return render(request, "reviews/ranking.html", {"body": body})


@login_required
@require_GET
def ranking_export(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """The ranking as .xlsx: the rows the page shows with the same filters, in its order."""
    _require_admin(request)
    round = get_object_or_404(Round, pk=round_pk)
    rows = ranks.apply(ranks.ranking_rows(round), ranks.Filters.from_query(request.GET))
    data = exporters.ranking_xlsx(rows, title=f"{round.year}年评审排名")
    response = HttpResponse(data, content_type=exporters.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, exporters.ranking_filename(round))
    return response


@login_required
@require_POST
def decide(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """Record the decision on the projects the table showed: the ticked ones are selected."""
    _require_admin(request)
    round = get_object_or_404(Round, pk=round_pk)
    back = QueryDict(request.POST.get("table_query", ""))
    try:
        result = decisions.decide(
            round,
            actor=request.user,
            shown=request.POST.getlist("shown"),
            selected=request.POST.getlist("selected"),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if result.created or result.changed:
            messages.success(
                request,
                _("The decision has been recorded: %(created)d new, %(changed)d changed.")
                % {"created": result.created, "changed": result.changed},
            )
        else:
            messages.info(request, _("Nothing changed: every decision was already recorded as shown."))
    return redirect(_ranking_url(round, back))


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: AuthedRequest, round_pk: int) -> HttpResponse:
    """GET: what publishing will announce, and what still stands in the way. POST: publish."""
    _require_admin(request)
    round = get_object_or_404(Round, pk=round_pk)
    if request.method == "POST":
        try:
            result = decisions.publish(round, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "The results have been published: %(selected)d key projects selected, "
                    "%(not_selected)d not selected. The provinces can now see their outcome."
                )
                % {"selected": result.selected, "not_selected": result.not_selected},
            )
            return redirect(_ranking_url(round))
    rows = ranks.ranking_rows(round)
    return render(
        request,
        "reviews/decision_publish.html",
        {
            "round": round,
            "selected": [row for row in rows if row.decision],
            "summary": ranks.summarise(rows),
            "problems": decisions.publication_problems(round),
            "ranking_url": _ranking_url(round),
        },
    )


def _require_outcome_reader(request: AuthedRequest) -> None:
    user = request.user
    if not (
        permissions.is_national_admin(user)
        or permissions.is_provincial_officer(user)
        or permissions.is_implementing_officer(user)
    ):
        raise PermissionDenied(
            _("Only the provinces and implementing units see the outcome of their projects.")
        )


def _outcome_round(request: AuthedRequest) -> Round | None:
    """The chosen round (by year), else the latest published one, else the latest announced."""
    rounds = Round.objects.exclude(state=RoundState.DRAFT).order_by("-year")
    choice = request.GET.get("round", "")
    if choice.isdigit():
        chosen = rounds.filter(year=int(choice)).first()
        if chosen is not None:
            return chosen
    return rounds.filter(state=RoundState.PUBLISHED).first() or rounds.first()


@login_required
@require_GET
def outcome(request: AuthedRequest) -> HttpResponse:
    """The outcome of the user's projects in a round, once published: selected or not."""
    _require_outcome_reader(request)
    round = _outcome_round(request)
    context: dict[str, Any] = {
        "round": round,
        "rounds": Round.objects.exclude(state=RoundState.DRAFT).order_by("-year").only("year", "state"),
        "is_published": round is not None and ranks.is_published(round),
    }
    if round is not None and context["is_published"]:
        projects = list(ranks.outcome_in_round(visible_recommendations(request.user), round))
        context.update(
            projects=projects,
            selected_count=sum(1 for rec in projects if rec.state == State.SELECTED),
            published_at=Panel.objects.filter(round=round).values_list("published_at", flat=True).first(),
        )
    return render(request, "reviews/outcome.html", context)
