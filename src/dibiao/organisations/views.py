from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dibiao.accounts.permissions import Action, can, visible_organisations
from dibiao.core.htmx import is_htmx
from dibiao.organisations import queries
from dibiao.organisations.choices import CountyList, Kind, Level
from dibiao.organisations.forms import CountyListImportForm, OrganisationFilterForm, XpccDivisionForm
from dibiao.organisations.services import XPCC_PROVINCE_CODE

PAGE_SIZE = 50


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisations the user may see, filtered, 50 a page, with their county counts.

    The scope decides what is listed: everything for the national administrator, a provincial
    unit and its members for its officers, the own unit for an implementing officer.
    """
    orgs = visible_organisations(request.user)
    form = OrganisationFilterForm(
        request.GET or None, provinces=orgs.filter(kind=Kind.PROVINCIAL).order_by("sort_key")
    )
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.search_organisations(
        orgs,
        q=filters.get("q") or "",
        province=filters.get("province"),
        kind=filters.get("kind") or "",
    )
    found = queries.with_county_counts(found.select_related("province"))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "county_lists": CountyList,
        "can_import_county_lists": can(request.user, Action.IMPORT_COUNTY_LISTS),
    }
    if is_htmx(request):
        return render(request, "organisations/organisation_list.html#results", context)
    return render(request, "organisations/organisation_list.html", context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(
        visible_organisations(request.user).select_related("parent", "province", "division"), pk=pk
    )
    is_xpcc = org.kind == Kind.PROVINCIAL and org.province_code == XPCC_PROVINCE_CODE
    context = {
        "org": org,
        "counties": [
            (county_list, list(queries.designated_counties(org, county_list))) for county_list in CountyList
        ],
        "has_counties": org.kind == Kind.IMPLEMENTING and org.level != Level.XPCC_DIVISION,
        "xpcc_divisions": (
            org.members.filter(kind=Kind.IMPLEMENTING, level=Level.XPCC_DIVISION) if is_xpcc else None
        ),
        "can_add_xpcc_division": is_xpcc and can(request.user, Action.MANAGE_ORGANISATIONS),
        "member_count": org.members.filter(kind=Kind.IMPLEMENTING, is_active=True).count()
        if org.kind == Kind.PROVINCIAL
        else None,
    }
    return render(request, "organisations/organisation_detail.html", context)


@login_required
def add_xpcc_division(request: HttpRequest) -> HttpResponse:
    xpcc = (
        visible_organisations(request.user)
        .filter(kind=Kind.PROVINCIAL, province_code=XPCC_PROVINCE_CODE)
        .first()
    )
    # The URL names no object, so refusing first leaks nothing; 404 only if 兵团 is not loaded.
    if not can(request.user, Action.MANAGE_ORGANISATIONS):
        raise PermissionDenied(_("Only the national administrator may add the divisions of 兵团."))
    if xpcc is None:
        raise Http404(_("新疆生产建设兵团知识产权局 has not been loaded yet."))
    form = XpccDivisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = form.save(actor=request.user)
        if org is not None:
            messages.success(request, _("%(name)s has been added.") % {"name": org.name})
            return redirect("organisations:detail", pk=xpcc.pk)
    return render(request, "organisations/xpcc_division_add.html", {"form": form, "xpcc": xpcc})


@login_required
def county_lists(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.IMPORT_COUNTY_LISTS):
        raise PermissionDenied(_("Only the national administrator may import the county lists."))
    form = CountyListImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = form.save(actor=request.user)
        if result is not None:
            messages.success(
                request,
                _("%(list)s: %(count)s counties imported (%(added)s added, %(removed)s removed).")
                % {
                    "list": CountyList(result.county_list).label,
                    "count": result.count,
                    "added": result.added,
                    "removed": result.removed,
                },
            )
            return redirect("organisations:county_lists")
    sizes = queries.county_list_sizes()
    context = {
        "form": form,
        "problems": getattr(form, "problems", []),
        "lists": [(county_list, sizes[county_list.value]) for county_list in CountyList],
    }
    return render(request, "organisations/county_list_import.html", context)
