"""The client's address, and the limit on failed API-token attempts per address (in the cache)."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_COUNT = "kinerja:token-failures:{}"
_RESET_AT = "kinerja:token-failures-reset:{}"


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind our own proxy (TRUST_X_FORWARDED_FOR) the last X-Forwarded-For entry,
    the one that proxy wrote: earlier entries come from the client and can be anything."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR", "") or ""


def token_retry_after(address: str) -> int | None:
    """Seconds until `address` may try tokens again, or None when it is not held back."""
    count = cache.get(_COUNT.format(address), 0)
    if count < settings.KINERJA_TOKEN_FAILURE_LIMIT:
        return None
    reset_at = cache.get(_RESET_AT.format(address))
    if reset_at is None:
        return None
    return max(1, math.ceil(reset_at - time.time()))


def token_failure_count(address: str) -> int:
    """Counts one failed token from `address`; the window starts at its first failure."""
    window = settings.KINERJA_TOKEN_FAILURE_WINDOW_SECONDS
    if cache.add(_COUNT.format(address), 0, timeout=window):
        cache.set(_RESET_AT.format(address), time.time() + window, timeout=window)
    try:
        return cache.incr(_COUNT.format(address))
    except ValueError:  # the window ended between add and incr
        cache.set(_COUNT.format(address), 1, timeout=window)
        cache.set(_RESET_AT.format(address), time.time() + window, timeout=window)
        return 1
