"""The accounts rows of the permission matrix (tests/permission_matrix.py).

Account management is for the national administrator (every account) and the provincial
officers (the implementing officers of their own province). An account out of scope is a 404.
"""

from tests.permission_matrix import for_roles


def hefei_account(get):
    """An Anhui implementing officer's account: in scope for Anhui, not for Zhejiang."""
    return {"pk": get("hefei_officer").pk}


def hangzhou_account(get):
    return {"pk": get("hangzhou_officer").pk}


def anhui_account(get):
    """A provincial officer's account: only the national administrator manages it."""
    return {"pk": get("anhui_officer").pk}


def admin_account(get):
    return {"pk": get("national_admin").pk}


MANAGERS = {"national_admin": 200, "anhui_officer": 200, "zhejiang_officer": 200}
# An action on Hefei's account: done (redirect to the account) by its managers, 404 elsewhere.
ON_HEFEI = {"anonymous": 302, "national_admin": 302, "anhui_officer": 302, "others": 404}

ROWS = [
    # Log-in, log-out, passwords, profile.
    *for_roles("accounts:login", anonymous=200, others=302),
    *for_roles("accounts:logout", method="POST", location="accounts:login", others=302),
    *for_roles("accounts:logout", label="GET refused", others=405),
    *for_roles("accounts:profile", anonymous=302, others=200),
    *for_roles("accounts:profile", method="POST", data={"wants_email": ""}, anonymous=302, others=302),
    *for_roles("accounts:password_change", anonymous=302, others=200),
    *for_roles("accounts:password_reset", others=200),
    *for_roles(
        "accounts:password_reset",
        method="POST",
        data={"email": "nobody@example.cn"},
        location="accounts:password_reset_done",
        others=302,
    ),
    *for_roles("accounts:password_reset_done", others=200),
    *for_roles("accounts:password_reset_complete", others=200),
    # Account management.
    *for_roles("accounts:list", anonymous=302, **MANAGERS, others=403),
    *for_roles("accounts:create", anonymous=302, **MANAGERS, others=403),
    *for_roles("accounts:create", method="POST", anonymous=302, **MANAGERS, others=403),
    *for_roles(
        "accounts:detail",
        kwargs=hefei_account,
        label="Anhui implementing",
        anonymous=302,
        national_admin=200,
        anhui_officer=200,
        others=404,
    ),
    *for_roles(
        "accounts:detail",
        kwargs=hangzhou_account,
        label="Zhejiang implementing",
        anonymous=302,
        national_admin=200,
        zhejiang_officer=200,
        others=404,
    ),
    *for_roles(
        "accounts:detail",
        kwargs=anhui_account,
        label="provincial",
        anonymous=302,
        national_admin=200,
        others=404,
    ),
    *for_roles(
        "accounts:edit",
        kwargs=hefei_account,
        anonymous=302,
        national_admin=200,
        anhui_officer=200,
        others=404,
    ),
    *for_roles(
        "accounts:edit",
        kwargs=hefei_account,
        method="POST",
        anonymous=302,
        national_admin=200,
        anhui_officer=200,
        others=404,
    ),
    *for_roles(
        "accounts:edit",
        kwargs=hangzhou_account,
        label="Zhejiang implementing",
        anonymous=302,
        national_admin=200,
        zhejiang_officer=200,
        others=404,
    ),
    *for_roles("accounts:disable", kwargs=hefei_account, method="POST", **ON_HEFEI),
    *for_roles("accounts:disable", kwargs=hefei_account, label="GET refused", others=405),
    *for_roles(
        "accounts:disable",
        kwargs=hangzhou_account,
        method="POST",
        label="Zhejiang implementing",
        anonymous=302,
        national_admin=302,
        zhejiang_officer=302,
        others=404,
    ),
    *for_roles(
        "accounts:disable",
        kwargs=admin_account,
        method="POST",
        label="own account",
        anonymous=302,
        national_admin=403,
        others=404,
    ),
    *for_roles("accounts:enable", kwargs=hefei_account, method="POST", **ON_HEFEI),
    *for_roles("accounts:unlock", kwargs=hefei_account, method="POST", **ON_HEFEI),
    *for_roles("accounts:send_reset", kwargs=hefei_account, method="POST", **ON_HEFEI),
    *for_roles(
        "accounts:send_reset",
        kwargs=anhui_account,
        method="POST",
        label="provincial",
        anonymous=302,
        national_admin=302,
        others=404,
    ),
]
