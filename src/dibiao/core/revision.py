"""The data revision: one number, kept in the shared cache, that changes whenever the database
does. Anything derived from the database can be cached under the revision it was made at, and
is never served after a change: the next request asks under the new number.

Every connection runs its statements through `watch` (installed when it connects): an INSERT,
UPDATE or DELETE moves the revision at once, and once more when its transaction commits. The
first move makes the writer's own next read (still inside the transaction) miss the cache; the
second covers a reader that read the database between the two and cached the old data under
the in-between number. Bulk updates, raw SQL and management commands are seen alike, because
the watch sits below the ORM. Writes to the tables in IGNORED (sessions, the task queue, the
log of events) change nothing that pages show and move nothing.

The time is part of what a page shows, too: a round opens, a deadline passes. `phase()` counts
the instants of the round calendar already past (openings, deadlines and extensions, each the
second it takes effect), so an entry made before a deadline is not served after it.

The number starts at the clock's nanoseconds, so a cache that lost it (a restart of Redis)
never counts again through numbers it used before.
"""

import bisect
import datetime as dt
import logging
import threading
import time
from typing import Any

from django.core.cache import cache
from django.db.backends.signals import connection_created
from django.utils import timezone

logger = logging.getLogger(__name__)

KEY = "data-revision"
WRITES = ("INSERT", "UPDATE", "DELETE")
IGNORED = ('"django_session"', '"django_tasks_database_', '"core_auditevent"')


def current() -> int:
    """The revision now."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, time.time_ns(), timeout=None)
        value = cache.get(KEY)
    return int(value)


def bump() -> None:
    """Move the revision: everything cached under an earlier one is stale."""
    try:
        cache.incr(KEY)
    except ValueError:
        cache.add(KEY, time.time_ns(), timeout=None)
    except Exception:  # a cache that cannot be reached keeps nothing either
        logger.warning("core: the data revision could not be moved", exc_info=True)


def _bump_after_commit() -> None:
    bump()


def is_write(sql: str) -> bool:
    head = sql.lstrip()[:80]
    return head[:6].upper() in WRITES and not any(table in head for table in IGNORED)


def watch(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if is_write(sql):
        bump()
        connection = context["connection"]
        if connection.in_atomic_block and not any(
            func is _bump_after_commit for _sids, func, _robust in connection.run_on_commit
        ):
            connection.on_commit(_bump_after_commit)
    return result


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Connected to `connection_created`: every connection runs its statements through `watch`."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


connection_created.connect(install, dispatch_uid="dibiao.core.revision")


# --- the round calendar --------------------------------------------------------------------------

_calendar: dict[str, Any] = {"revision": None, "instants": []}
_calendar_lock = threading.Lock()


def calendar(revision: int) -> list[dt.datetime]:
    """The instants at which what pages show changes by itself: rounds open, deadlines pass
    (the second after the last one that counts), extensions end. Read once per revision."""
    if _calendar["revision"] == revision:
        return _calendar["instants"]
    from dibiao.rounds.models import Extension, Round

    second = dt.timedelta(seconds=1)
    instants: set[dt.datetime] = set()
    for opens_at, deadline_at in Round.objects.values_list("opens_at", "deadline_at"):
        instants.update((opens_at, deadline_at, deadline_at + second))
    for until in Extension.objects.values_list("until", flat=True):
        instants.update((until, until + second))
    ordered = sorted(instants)
    with _calendar_lock:
        _calendar.update(revision=revision, instants=ordered)
    return ordered


def phase(revision: int, now: dt.datetime | None = None) -> int:
    """How many of the calendar's instants are past."""
    return bisect.bisect_right(calendar(revision), now or timezone.now())
