"""A record of every request the simulator answered, for assertions and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

#: Status recorded when the connection was closed without any answer.
NO_RESPONSE = 0


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """``action`` is the SOAPACTION's action name; ``status`` is 0 for a dropped connection.

    ``with_token`` tells whether the SOAP Header carried a second-factor token (never its value).
    """

    method: str
    path: str
    status: int
    action: str | None
    authenticated: bool
    username: str | None
    with_token: bool = False


class RequestLog:
    """Append-only list of records with counting helpers; never holds credentials."""

    def __init__(self) -> None:
        """Start empty."""
        self.entries: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        """Append one answered (or dropped) request."""
        self.entries.append(record)

    def count(
        self, path: str | None = None, status: int | None = None, action: str | None = None
    ) -> int:
        """How many records match every filter given."""
        return sum(
            1
            for record in self.entries
            if (path is None or record.path == path)
            and (status is None or record.status == status)
            and (action is None or record.action == action)
        )

    def clear(self) -> None:
        """Forget all records, e.g. between phases of a test."""
        self.entries.clear()
