"""The busiest pages' bodies, kept in the shared cache under the data revision.

A list page is read far more often than its data changes: the province's officers open their
list again and again while nothing happens. `body` keeps the rendered body of such a page
(its `body` partial) under the data revision, the calendar's phase (core/revision.py), the
person, the language and the full path with its query; a change to the database or a passing
deadline makes the next request render it anew. The page around it (navigation, unread count,
messages) is rendered on every request.

The key holds the release too (`release`): a deployment of new code or templates starts afresh.
The key holds the person's id, so nothing one person may see is ever served to another. A
form's CSRF token differs per browser: the body is rendered with a placeholder, replaced by the
request's own token when served.

Off (every body rendered on every request) unless settings.PAGE_CACHE: a per-process memory
cache cannot see other processes' writes, so it takes a shared one (DIBIAO_CACHE_URL). When the
cache cannot be reached, the page is rendered as if it were off.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from dibiao.core import revision

logger = logging.getLogger(__name__)

TIMEOUT = 600


def csrf_placeholder() -> str:
    """The same in every process of the deployment, and not guessable from outside."""
    return "csrf-" + hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=12).hexdigest()


@functools.cache
def release() -> str:
    """What identifies this deployment's code and templates: a new release never serves what
    an older one kept (nor unpickles an object of a model that has changed since)."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".mo"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def key(request: HttpRequest, name: str) -> str:
    rev = revision.current()
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    user = getattr(request, "user", None)
    return ":".join(
        (
            "page",
            release(),
            name,
            str(getattr(user, "pk", None)),
            translation.get_language() or "",
            path,
            str(rev),
            str(revision.phase(rev)),
        )
    )


def body(request: HttpRequest, template: str, context: Callable[[], dict[str, Any]]) -> SafeString:
    """The rendered `template` (a partial, e.g. "app/page.html#body") with the context that
    `context()` builds, from the cache when it was made under the same revision and phase."""
    rendered = _kept(
        lambda: key(request, template),
        lambda: render_to_string(template, {**context(), "csrf_token": csrf_placeholder()}, request),
    )
    # The template engine escaped the body; the token is letters and digits.
    return mark_safe(str(rendered).replace(csrf_placeholder(), get_token(request)))  # noqa: S308


def derived[T](name: str, compute: Callable[[], T | None]) -> T | None:
    """`compute()`, kept under the data revision when settings.PAGE_CACHE (None is not kept).
    For what every page needs, such as the logged-in person and their unread count."""
    return _kept(lambda: f"derived:{release()}:{name}:{revision.current()}", compute)


def _kept[T](make_key: Callable[[], str], compute: Callable[[], T | None]) -> T | None:
    """What the cache holds under `make_key()`, else `compute()`, kept there unless None. With
    settings.PAGE_CACHE off, or a cache that cannot be reached, simply `compute()`."""
    if not settings.PAGE_CACHE:
        return compute()
    try:
        cache_key = make_key()
        value = cache.get(cache_key)
    except Exception:
        logger.warning("core: the page cache cannot be reached", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        if value is not None:
            try:
                cache.set(cache_key, value, TIMEOUT)
            except Exception:
                logger.warning("core: the page cache cannot be reached", exc_info=True)
    return value
