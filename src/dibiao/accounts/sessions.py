"""Sessions read from the shared cache and kept in the database (SESSION_ENGINE with Redis).

Django's cached_db store reads a session from the cache and falls back to the database, but a
cache that cannot be reached still fails some of its calls (keeping a session read from the
database, asking whether a key exists, deleting at logout): a Redis restart would turn pages
into errors. Here every cache call that fails is logged and the database answers alone, so an
outage costs speed, never a page or a login.
"""

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def _cache_call(self, method: str, *args: Any) -> Any:
        try:
            return getattr(self._cache, method)(*args)
        except Exception:
            logger.warning("accounts: the session cache cannot be reached (%s)", method, exc_info=True)
            return None

    def load(self) -> dict[str, Any]:
        data = self._cache_call("get", self.cache_key)
        if data is None:
            stored = self._get_session_from_db()
            if stored is None:
                return {}
            data = self.decode(stored.session_data)
            self._cache_call("set", self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        return data  # type: ignore[no-any-return]

    def exists(self, session_key: str | None) -> bool:
        if session_key and self._cache_call("has_key", self.cache_key_prefix + session_key):
            return True
        return DatabaseStore.exists(self, session_key)  # type: ignore[arg-type]

    def save(self, must_create: bool = False) -> None:
        DatabaseStore.save(self, must_create)
        self._cache_call("set", self.cache_key, self._session, self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        DatabaseStore.delete(self, session_key)
        key = session_key or self.session_key
        if key is not None:
            self._cache_call("delete", self.cache_key_prefix + key)
