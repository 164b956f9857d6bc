"""Why the database could not be opened, in one line naming what failed.

Start-up with an unreachable or wrong DATABASE_URL raises deep inside SQLAlchemy and the
driver; `connect_problem` walks the exception chain and names the cause: host unreachable,
unknown host, database missing, authentication refused, SQLite file that cannot be opened.
Anything else returns None and is left to propagate (it is a bug, not a setting).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

from sqlalchemy.engine import make_url

_AUTH_ERRORS = {"InvalidPasswordError", "InvalidAuthorizationSpecificationError"}


def connect_problem(error: BaseException, url: str) -> str | None:
    try:
        parsed = make_url(url)
    except Exception:  # settings validated the scheme; anything else is not ours to name
        return None
    host = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    for cause in _chain(error):
        name = type(cause).__name__
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve host {parsed.host!r} ({cause.strerror or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return f"cannot reach {host}: connection refused (is PostgreSQL running there?)"
        if isinstance(cause, TimeoutError):
            return f"cannot reach {host}: timed out"
        if isinstance(cause, OSError) and parsed.get_backend_name() == "postgresql":
            return f"cannot reach {host}: {cause.strerror or cause}"
        if name == "InvalidCatalogNameError":
            return f"database {parsed.database!r} does not exist on {host}"
        if name in _AUTH_ERRORS:
            return f"authentication failed on {host} for user {parsed.username!r}: {cause}"
        if name == "OperationalError" and "unable to open database file" in str(cause):
            return (
                f"cannot open the SQLite file {parsed.database!r}: does its folder exist, "
                "and may this user write there?"
            )
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo += [
            orig if isinstance(orig, BaseException) else None,
            current.__cause__,
            current.__context__,
        ]
