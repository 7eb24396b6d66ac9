"""The address of the client, as the lockout (django-axes) and the throttles count it.

REMOTE_ADDR, unless TRUSTED_PROXY_HEADER names the header that our own reverse proxies fill.
Opt-in only: a header the client can send itself would let anyone choose the address it is
counted under. With TRUSTED_PROXY_COUNT proxies each appending the address it received the
request from (X-Forwarded-For), the client is the TRUSTED_PROXY_COUNT-th address from the right;
whatever stands further left was written by the client and is ignored. A header that is missing,
too short or not an address falls back to REMOTE_ADDR."""

import ipaddress

from django.conf import settings


def _meta_key(header: str) -> str:
    """ "X-Forwarded-For" or "HTTP_X_FORWARDED_FOR" -> "HTTP_X_FORWARDED_FOR"."""
    key = header.strip().upper().replace("-", "_")
    if key and key != "REMOTE_ADDR" and not key.startswith("HTTP_"):
        key = f"HTTP_{key}"
    return key


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE, and the key of the per-address throttles)."""
    remote = _address(request.META.get("REMOTE_ADDR", "")) if request.META.get("REMOTE_ADDR") else None
    header = _meta_key(getattr(settings, "TRUSTED_PROXY_HEADER", "") or "")
    if not header:
        return remote
    count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1) or 1))
    hops = [hop for hop in request.META.get(header, "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _address(hops[-count]) or remote
