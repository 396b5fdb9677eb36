"""Core reads: the sign-in lockouts of an agency's accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Min, Sum
from django.utils import timezone

from .models import Agency


@dataclass(frozen=True)
class Lockout:
    attempt_id: int  # one of its attempts: the handle the unlock form posts
    user: Any
    ip_address: str
    failures: int
    last_failure: dt.datetime
    locked_until: dt.datetime


def agency_lockouts(*, agency: Agency) -> list[Lockout]:
    """Accounts of `agency` locked now, one row per account and address, as django-axes counts
    them: the failures of that pair (over every user agent) within the cool-off time."""
    cool_off = settings.AXES_COOLOFF_TIME
    User = get_user_model()
    members = User.objects.filter(membership__agency=agency).values("username")
    groups = (
        AccessAttempt.objects.filter(
            username__in=members, attempt_time__gte=timezone.now() - cool_off
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"), first=Min("id"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    rows = list(groups)
    users = User.objects.in_bulk([row["username"] for row in rows], field_name="username")
    return [
        Lockout(
            attempt_id=row["first"],
            user=users[row["username"]],
            ip_address=row["ip_address"] or "",
            failures=row["failures"],
            last_failure=row["last"],
            locked_until=row["last"] + cool_off,
        )
        for row in rows
    ]
