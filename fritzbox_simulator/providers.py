"""The dynamic DNS providers a box offers, and the list document GetDDNSProviders returns."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from .config import Locale

#: A selection of the providers FRITZ!OS lists, with their public home pages.
PROVIDERS: tuple[tuple[str, str], ...] = (
    ("DynDNS.org", "https://account.dyn.com/"),
    ("No-IP.com", "https://www.noip.com/"),
    ("ddnss.de", "https://ddnss.de/"),
    ("dynv6.com", "https://dynv6.com/"),
    ("DNSHome.de", "https://www.dnshome.de/"),
    ("selfHOST.de", "https://www.selfhost.de/"),
    ("Strato", "https://www.strato.de/"),
    ("feste-ip.net", "https://www.feste-ip.net/"),
    ("TwoDNS", "https://www.twodns.de/"),
    ("ChangeIP.com", "https://www.changeip.com/"),
    ("Dynu.com", "https://www.dynu.com/"),
)

USER_DEFINED: dict[Locale, str] = {"de": "Benutzerdefiniert", "en": "User-defined"}


def provider_list(locale: Locale) -> tuple[tuple[str, str], ...]:
    """All providers including the localised user-defined entry (which has no info URL)."""
    return (*PROVIDERS, (USER_DEFINED[locale], ""))


def render_provider_list(locale: Locale) -> str:
    """``<List><Item><ProviderName/><InfoURL/></Item>...</List>``; the SOAP layer escapes it."""
    items = "".join(
        f"<Item><ProviderName>{escape(name)}</ProviderName><InfoURL>{escape(url)}</InfoURL></Item>"
        for name, url in provider_list(locale)
    )
    return f"<List>{items}</List>"
