"""A DNS server on loopback for the integration's DNS check: A/AAAA records, NXDOMAIN, silence.

It answers on the test's event loop, where the resolver's callbacks end up too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from dnslib import AAAA, QTYPE, RCODE, RR, A, DNSRecord


@dataclass(slots=True)
class Zone:
    """What the server answers: addresses per name; unknown names are NXDOMAIN."""

    a: dict[str, list[str]] = field(default_factory=dict)
    aaaa: dict[str, list[str]] = field(default_factory=dict)
    # Drop every query unanswered, as an unreachable server would.
    silent: bool = False

    def set(self, name: str, *, a: list[str] | None = None, aaaa: list[str] | None = None) -> None:
        """Give ``name`` these records (none of a type: the name exists without that type)."""
        self.a[name] = list(a or [])
        self.aaaa[name] = list(aaaa or [])

    def remove(self, name: str) -> None:
        """Make ``name`` unknown (NXDOMAIN)."""
        self.a.pop(name, None)
        self.aaaa.pop(name, None)


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, server: DNSServer) -> None:
        self._server = server
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self._transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        reply = self._server.answer(data)
        if reply is not None and self._transport is not None:
            self._transport.sendto(reply, addr)


class DNSServer:
    """UDP on 127.0.0.1; ``queries`` records every (name, type) asked."""

    def __init__(self) -> None:
        """Serve nothing until started."""
        self.zone = Zone()
        self.queries: list[tuple[str, str]] = []
        self.port = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self) -> None:
        """Listen on a free port."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Protocol(self), local_addr=("127.0.0.1", 0)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    def stop(self) -> None:
        """Close the socket."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def asked(self, name: str) -> list[str]:
        """The record types asked for ``name``, in order."""
        return [qtype for queried, qtype in self.queries if queried == name]

    def answer(self, data: bytes) -> bytes | None:
        """The reply to one query, or None to stay silent."""
        request = DNSRecord.parse(data)
        question = request.q
        name = str(question.qname).rstrip(".").lower()
        qtype = QTYPE[question.qtype]
        self.queries.append((name, qtype))
        zone = self.zone
        if zone.silent:
            return None
        reply = request.reply()
        if name not in zone.a and name not in zone.aaaa:
            reply.header.rcode = RCODE.NXDOMAIN
        elif qtype == "A":
            for address in zone.a.get(name, []):
                reply.add_answer(RR(question.qname, QTYPE.A, rdata=A(address), ttl=60))
        elif qtype == "AAAA":
            for address in zone.aaaa.get(name, []):
                reply.add_answer(RR(question.qname, QTYPE.AAAA, rdata=AAAA(address), ttl=60))
        packed: bytes = reply.pack()
        return packed
