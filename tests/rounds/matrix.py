"""The rounds rows of the permission matrix (tests/permission_matrix.py).

Rounds and quotas are managed by the national administrator alone; every other logged-in user
gets a 403 on the management pages. Provincial officers may read the round list and a round's
page (their own quota and deadline only); a round still in draft is out of their scope (404).
"""

from dibiao.rounds.choices import RoundState
from tests.factories import RoundFactory
from tests.permission_matrix import for_roles


def open_round(get):
    get("db")
    return {"pk": RoundFactory(year=2021, state=RoundState.OPEN).pk}


def draft_round(get):
    get("db")
    return {"pk": RoundFactory(year=2022, state=RoundState.DRAFT).pk}


def nothing_filled_in(get):
    """An empty form, once provincial units exist: it comes back with its errors."""
    get("anhui")
    get("zhejiang")
    return {}


def export(fmt):
    return lambda get: {**open_round(get), "fmt": fmt}


READERS = {"anonymous": 302, "national_admin": 200, "anhui_officer": 200, "zhejiang_officer": 200}
ADMIN_ONLY = {"anonymous": 302, "national_admin": 200, "others": 403}

MANAGEMENT_PAGES = [
    "rounds:edit",
    "rounds:edit_quotas",
    "rounds:import_quotas",
    "rounds:edit_holdings",
    "rounds:import_holdings",
]

ROWS = [
    *for_roles("rounds:list", **READERS, others=403),
    *for_roles("rounds:detail", kwargs=open_round, **READERS, others=403),
    *for_roles(
        "rounds:detail",
        kwargs=draft_round,
        label="draft",
        anonymous=302,
        national_admin=200,
        anhui_officer=404,
        zhejiang_officer=404,
        others=403,
    ),
    *for_roles("rounds:create", **ADMIN_ONLY),
    # An empty form comes back with its errors.
    *for_roles("rounds:create", method="POST", **ADMIN_ONLY),
    *[row for name in MANAGEMENT_PAGES for row in for_roles(name, kwargs=open_round, **ADMIN_ONLY)],
    *[
        row
        for name in MANAGEMENT_PAGES
        for row in for_roles(name, kwargs=open_round, method="POST", data=nothing_filled_in, **ADMIN_ONLY)
    ],
    *for_roles("rounds:export_quotas", kwargs=export("csv"), **ADMIN_ONLY),
    *for_roles("rounds:export_quotas", kwargs=export("xlsx"), label="xlsx", **ADMIN_ONLY),
    *for_roles(
        "rounds:export_quotas",
        kwargs=export("pdf"),
        label="unknown format",
        anonymous=302,
        national_admin=404,
        others=403,
    ),
    *for_roles("rounds:propose_quotas", kwargs=open_round, **ADMIN_ONLY),
    *for_roles("rounds:apply_proposal", kwargs=open_round, method="POST", **ADMIN_ONLY),
    *for_roles("rounds:apply_proposal", kwargs=open_round, label="GET refused", others=405),
    *for_roles("rounds:grant_extension", kwargs=open_round, method="POST", **ADMIN_ONLY),
    *for_roles("rounds:grant_extension", kwargs=open_round, label="GET refused", others=405),
]
