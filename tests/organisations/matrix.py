"""The organisations rows of the permission matrix (tests/permission_matrix.py).

Everybody logged in may open the list, which shows only what their scope holds (an
implementing officer sees its own unit, an expert nothing). An organisation out of scope is a
404. Adding 兵团's divisions and importing the county lists are the national administrator's
alone: a 403 for everybody else.
"""

from django.urls import reverse

from tests.factories import ProvinceFactory
from tests.permission_matrix import Row, for_roles


def hefei_unit(get):
    """An Anhui implementing unit: in scope for Anhui and for Hefei's officer, not for Zhejiang."""
    return {"pk": get("hefei").pk}


def anhui_unit(get):
    return {"pk": get("anhui").pk}


def with_xpcc(get):
    get("db")
    ProvinceFactory(province_code="66")
    return {}


def xpcc_page(get):
    return reverse("organisations:detail", kwargs={"pk": ProvinceFactory(province_code="66").pk})


ADMIN_ONLY = {"anonymous": 302, "national_admin": 200, "others": 403}

ROWS = [
    *for_roles("organisations:list", anonymous=302, others=200),
    *for_roles(
        "organisations:detail",
        kwargs=hefei_unit,
        anonymous=302,
        national_admin=200,
        anhui_officer=200,
        hefei_officer=200,
        others=404,
    ),
    *for_roles(
        "organisations:detail",
        kwargs=anhui_unit,
        label="provincial unit",
        anonymous=302,
        national_admin=200,
        anhui_officer=200,
        others=404,
    ),
    *for_roles("organisations:add_xpcc_division", kwargs=with_xpcc, **ADMIN_ONLY),
    # Added, then sent to 兵团's page; the anonymous row (sent to log in) is the generic one.
    Row("anonymous", "organisations:add_xpcc_division", with_xpcc, "POST", 302, {"name": "第一师知识产权局"}),
    *[
        row
        for row in for_roles(
            "organisations:add_xpcc_division",
            kwargs=with_xpcc,
            method="POST",
            data={"name": "第一师知识产权局"},
            location=xpcc_page,
            anonymous=302,
            national_admin=302,
            others=403,
        )
        if row.role != "anonymous"
    ],
    *for_roles("organisations:county_lists", **ADMIN_ONLY),
    # An empty form comes back with its errors.
    *for_roles("organisations:county_lists", method="POST", **ADMIN_ONLY),
]
