"""The public rows of the permission matrix (tests/permission_matrix.py): every page is open to
everybody, logged in or not; what is not published is a 404 for everybody."""

from dibiao.reports import services
from tests.permission_matrix import for_roles
from tests.reports import helpers


def published_case(get):
    return {"pk": helpers.published_case(get("anhui_officer"), get("national_admin")).pk}


def accepted_case(get):
    return {"pk": helpers.accepted_case(get("anhui_officer"), get("national_admin")).pk}


def photo_of(build):
    def kwargs(get):
        from dibiao.reports.models import TypicalCase

        case = TypicalCase.objects.get(pk=build(get)["pk"])
        added = services.add_case_photo(case, actor=get("national_admin"), uploaded_file=helpers.photo())
        return {"pk": case.pk, "photo_pk": added.pk}

    return kwargs


ROWS = [
    *for_roles("public:home", others=200),
    *for_roles("public:notice", others=200),
    *for_roles("public:projects", others=200),
    *for_roles("public:cases", others=200),
    *for_roles("public:statistics", others=200),
    *for_roles("public:case_detail", kwargs=published_case, others=200),
    *for_roles("public:case_detail", kwargs=accepted_case, label="not published", others=404),
    *for_roles("public:case_photo", kwargs=photo_of(published_case), others=200),
    *for_roles("public:case_photo", kwargs=photo_of(accepted_case), label="not published", others=404),
]
