"""The permission matrix (STYLE §11): what every role gets from every URL.

Each app lists its rows in `tests/<app>/matrix.py`, as a module-level list `ROWS`; this module
imports every such file it finds, so adding an app's rows means adding that one file.
`tests/test_permission_matrix.py` requests every row and fails if a URL of the project has no
row at all.

A row says: this role, asking for this URL (with these kwargs) by this method, gets this status.

    Row(role, url_name, kwargs, method, status, data=None, location=None, label="")

- `role`: "anonymous" or one of the named cast in tests/conftest.py (ROLES below).
- `kwargs`: the URL's kwargs: None, a dict, or a callable `kwargs(get)` where `get(name)`
  returns the value of the pytest fixture `name` (e.g. `lambda get: {"pk": get("hefei_officer").pk}`;
  `get("db")` gives database access for factories). The same `get` builds `data` and `location`.
- `method`: "GET" or "POST" (any method the test client has).
- `status`: 200 allowed page; 302 redirect (anonymous: to the log-in page, checked); 403 the
  object is visible but the action is not allowed; 404 out of scope; 405 wrong method.
- `data`: the POST body (a dict or a callable like `kwargs`).
- `location`: where a 302 must lead: a URL name (reversed without kwargs), or a callable
  returning a path. Without it, an anonymous 302 must lead to the log-in page and any other
  302 must lead elsewhere (a logged-in user sent to log in is a bug).
- `label`: tells apart two rows with the same role, URL and method (e.g. "own account").

Plain tuples in that order work too. `for_roles()` writes one URL's rows for every role at
once and refuses to forget one:

    ROWS = [
        *for_roles("rounds:list", anonymous=302, national_admin=200, others=403),
        *for_roles("rounds:detail", kwargs=a_round, anonymous=302, others=200),
    ]
"""

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from django.urls import URLPattern, URLResolver, get_resolver

ANONYMOUS = "anonymous"
# The named cast of tests/conftest.py, in the order the matrix reports them.
ROLES = (
    ANONYMOUS,
    "national_admin",
    "anhui_officer",
    "hefei_officer",
    "zhejiang_officer",
    "hangzhou_officer",
    "expert_from_anhui",
)
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

# URLs the matrix need not cover: Django's admin (it has its own permission check, the
# national administrator's only: accounts/admin_site.py), the language switch, and the
# links that carry a one-time token (tested end to end in tests/accounts/).
UNCOVERED_PREFIXES = ("admin:",)
UNCOVERED_NAMES = {
    "set_language",
    "accounts:password_reset_confirm",
    "accounts:accept_invitation",
}

Getter = Callable[[str], Any]
Kwargs = Mapping[str, Any] | Callable[[Getter], Mapping[str, Any]] | None


class Row(NamedTuple):
    role: str
    url_name: str
    kwargs: Kwargs
    method: str
    status: int
    data: Mapping[str, Any] | Callable[[Getter], Mapping[str, Any]] | None = None
    location: str | Callable[[Getter], str] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        label = f"[{self.label}]" if self.label else ""
        return f"{self.url_name}{label}-{self.method}-{self.role}"


def for_roles(
    url_name: str,
    *,
    kwargs: Kwargs = None,
    method: str = "GET",
    data: Mapping[str, Any] | Callable[[Getter], Mapping[str, Any]] | None = None,
    location: str | Callable[[Getter], str] | None = None,
    label: str = "",
    others: int | None = None,
    **statuses: int,
) -> list[Row]:
    """One URL's rows, a status for every role: name each role, or give `others` for the rest."""
    unknown = set(statuses) - set(ROLES)
    if unknown:
        raise ValueError(f"{url_name}: unknown roles {sorted(unknown)}; the roles are {ROLES}")
    missing = [role for role in ROLES if role not in statuses]
    if missing and others is None:
        raise ValueError(f"{url_name}: no status for {missing}; name them or give others=...")
    return [
        Row(role, url_name, kwargs, method, statuses.get(role, others), data, location, label)  # type: ignore[arg-type]
        for role in ROLES
    ]


def _check(row: Row, source: str) -> Row:
    if row.role not in ROLES:
        raise ValueError(f"{source}: {row.id}: unknown role {row.role!r}; the roles are {ROLES}")
    if row.method not in METHODS:
        raise ValueError(f"{source}: {row.id}: unknown method {row.method!r}")
    if not isinstance(row.status, int):
        raise ValueError(f"{source}: {row.id}: the status must be an int")
    return row


TESTS_DIR = Path(__file__).resolve().parent


def collect_rows(tests_dir: Path = TESTS_DIR) -> list[Row]:
    """Every row of every tests/<app>/matrix.py, in app order."""
    rows: list[Row] = []
    for path in sorted(tests_dir.glob("*/matrix.py")):
        module_name = f"{tests_dir.name}.{path.parent.name}.matrix"
        module = importlib.import_module(module_name)
        for row in getattr(module, "ROWS"):  # noqa: B009  a missing ROWS should fail loudly here
            rows.append(_check(Row(*row), module_name))
    ids = [row.id for row in rows]
    duplicates = sorted({row_id for row_id in ids if ids.count(row_id) > 1})
    if duplicates:
        raise ValueError(f"rows given twice (add a label to tell them apart): {duplicates}")
    return rows


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL of the project's URLconf, with its namespaces ("accounts:list")."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def is_uncovered(url_name: str) -> bool:
    return url_name in UNCOVERED_NAMES or url_name.startswith(UNCOVERED_PREFIXES)


def names_needing_rows(names: Iterable[str] | None = None) -> set[str]:
    return {name for name in (url_names() if names is None else names) if not is_uncovered(name)}


ROWS = collect_rows()
