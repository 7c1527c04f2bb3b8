"""Where a webhook may go: never to this machine or the private network unless a setting allows it (SSRF).

Checked when an endpoint is saved and again before every attempt, since a name can resolve
elsewhere later. The check resolves the host and refuses when any of its addresses is private,
loopback, link-local, multicast, reserved or unspecified.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


class AddressRefused(ValueError):
    """The URL may not receive webhooks; the message says why."""


def url_check(url: str, *, allow_private: bool) -> None:
    """Raise AddressRefused naming what is wrong with `url` as a webhook destination."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:  # an unclosed IPv6 bracket, say
        raise AddressRefused(_("The URL is not well formed.")) from exc
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(_("The URL must start with https:// (or http://)."))
    if not host:
        raise AddressRefused(_("The URL has no host."))
    if parts.username or parts.password:
        raise AddressRefused(
            _("The URL may not carry a user name or password; sign with the endpoint's secret instead.")
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(_("The URL's port is not a number from 1 to 65535.")) from exc
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(_("The host %(host)s does not resolve.") % {"host": host}) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if _internal(address):
            raise AddressRefused(
                _(
                    "The host %(host)s resolves to %(address)s, a private, loopback or link-local address; "
                    "webhooks go only to public addresses (CX_WEBHOOKS_ALLOW_PRIVATE allows others)."
                )
                % {"host": host, "address": address}
            )


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return bool(
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )
