"""The public site: no log-in, and only what is published (public.queries decides what)."""

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from dibiao.core.htmx import is_htmx
from dibiao.public import queries
from dibiao.public.forms import CaseSearchForm, ProjectFilterForm
from dibiao.public.notice import notice_blocks
from dibiao.public.tiles import COLS, ROWS
from dibiao.reports.queries import search_cases, with_themes

CASE_PAGE_SIZE = 12
PROJECT_PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    numbers = queries.province_statistics()
    context = {
        "key_projects": sum(row.selected for row in numbers),
        "recommended": sum(row.recommended for row in numbers),
        "case_count": queries.published_cases().count(),
        "latest_cases": list(with_themes(queries.published_cases().order_by("-published_at", "-pk"))[:4]),
    }
    return render(request, "public/home.html", context)


def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "public/notice.html", {"blocks": notice_blocks()})


def projects(request: HttpRequest) -> HttpResponse:
    """The published key projects: 编号, project, GIs, implementing unit, province."""
    years = list(queries.published_rounds().values_list("year", flat=True))
    form = ProjectFilterForm(request.GET or None, years=years)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.published_key_projects(year=filters.get("year"), province=filters.get("province"))
    page = Paginator(found, PROJECT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "rows": queries.public_project_rows(list(page.object_list))}
    return render(request, "public/projects.html", context)


def cases(request: HttpRequest) -> HttpResponse:
    """The typical-case library: full-text search in Chinese and filters, 12 a page."""
    form = CaseSearchForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    found = search_cases(
        queries.published_cases(),
        q=filters.get("q") or "",
        province=filters.get("province"),
        gi=filters.get("gi") or "",
        theme=filters.get("theme") or "",
        year=filters.get("year"),
    )
    found = with_themes(found.order_by("-published_at", "-pk"))
    page = Paginator(found, CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "q": filters.get("q") or ""}
    if is_htmx(request):
        return render(request, "public/cases.html#results", context)
    return render(request, "public/cases.html", context)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(with_themes(queries.published_cases()), pk=pk)
    return render(request, "public/case_detail.html", {"case": case, "photos": list(case.photos.all())})


def case_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    case = get_object_or_404(queries.published_cases(), pk=pk)
    photo = get_object_or_404(case.photos.all(), pk=photo_pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("This file is missing from the store.")) from error
    return FileResponse(handle, filename=photo.original_name, content_type=photo.content_type)


def statistics(request: HttpRequest) -> HttpResponse:
    """Per province, recommended and selected projects: a tile-grid map and the same table."""
    years = list(queries.published_rounds().values_list("year", flat=True))
    value = request.GET.get("year") or ""
    year = int(value) if value.isdigit() and int(value) in years else None
    numbers = queries.province_statistics(year)
    chart = {
        "rows": ROWS,
        "cols": COLS,
        "tiles": [
            {
                "code": row.code,
                "name": row.name,
                "short": row.short,
                "row": row.row,
                "col": row.col,
                "recommended": row.recommended,
                "selected": row.selected,
            }
            for row in numbers
        ],
        "labels": {
            "recommended": _("Recommended"),
            "selected": _("Selected"),
            "legend": _("Recommended projects"),
        },
    }
    context = {
        "years": years,
        "year": year,
        "numbers": sorted(numbers, key=lambda row: row.code),
        "chart": chart,
        "total_recommended": sum(row.recommended for row in numbers),
        "total_selected": sum(row.selected for row in numbers),
    }
    return render(request, "public/statistics.html", context)
