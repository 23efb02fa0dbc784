"""The demo box's DNS server: its DDNS name with its external addresses, on loopback UDP.

The integration's DNS check asks it instead of the machine's resolver (see
``fritzbox_demo_dns``), so the demo and the browser tests send no query off the machine and
the check compares the box with itself: OK while the simulator's addresses are in place.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from dnslib import AAAA, QTYPE, RCODE, RR, A, DNSError, DNSRecord  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from collections.abc import Callable

# Name -> (IPv4 addresses, IPv6 addresses), or None for a name the server does not know.
type Records = Callable[[str], tuple[list[str], list[str]] | None]


def answer(query: bytes, records: Records) -> bytes | None:
    """Return the reply to one DNS query (None for a packet that is no query)."""
    try:
        request = DNSRecord.parse(query)
    except DNSError:
        return None
    reply = request.reply()
    question = request.q
    found = records(str(question.qname).rstrip(".").lower())
    if found is None:
        reply.header.rcode = RCODE.NXDOMAIN
    elif question.qtype == QTYPE.A:
        for address in found[0]:
            reply.add_answer(RR(question.qname, QTYPE.A, rdata=A(address), ttl=60))
    elif question.qtype == QTYPE.AAAA:
        for address in found[1]:
            reply.add_answer(RR(question.qname, QTYPE.AAAA, rdata=AAAA(address), ttl=60))
    packed: bytes = reply.pack()
    return packed


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, records: Records) -> None:
        self._records = records
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.DatagramTransport):
            self._transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        reply = answer(data, self._records)
        if reply is not None and self._transport is not None:
            self._transport.sendto(reply, addr)


async def start_dns_server(
    records: Records, host: str = "127.0.0.1", port: int = 0
) -> tuple[asyncio.DatagramTransport, int]:
    """Answer from ``records`` on UDP ``host:port`` (0: a free port); return it and its port."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _Protocol(records), local_addr=(host, port)
    )
    return transport, int(transport.get_extra_info("sockname")[1])
