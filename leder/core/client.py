"""The client's address, for rate limits, the sign-in lockout and the audit log (ADR 0111).

Behind reverse proxies `REMOTE_ADDR` is the nearest proxy's address, so every member of the
public would share one. Each trusted proxy appends the address it received the request from to
`X-Forwarded-For`; with `TRUSTED_PROXY_COUNT` = N proxies in front of the service, the client is
the N-th address from the right (anything further left was written by the client, who can write
anything). With N = 0, the default, the header is never read: a client cannot choose its
address. A value that is not an IP address, or a header shorter than N (the request did not come
through every proxy), falls back to `REMOTE_ADDR`: the limit tightens, it never opens.
"""

import ipaddress

from django.conf import settings


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str | None:
    remote = _ip(request.META.get("REMOTE_ADDR"))
    count = getattr(settings, "LEDER_TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    return _ip(hops[-count]) or remote
