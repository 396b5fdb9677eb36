"""Core writes: API tokens and sign-in lockouts. Audited like every other write."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import throttle
from .audit import audit_record
from .errors import KinerjaError, NotFound
from .models import Agency, ApiToken, Membership

TOKEN_PREFIX = "knj_"


class TooManyAttempts(KinerjaError):
    """429: too many failed attempts from this address; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int):
        super().__init__(
            "too_many_attempts",
            _(
                "Terlalu banyak percobaan token yang gagal dari alamat ini. "
                "Coba lagi setelah %(seconds)d detik."
            )
            % {"seconds": retry_after},
            status=429,
        )
        self.retry_after = retry_after


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    agency: Agency,
    user: Any,
    name: str,
    acting_user: Any,
    expires_at: dt.datetime | None = None,
    scope: str = ApiToken.Scope.READ_WRITE,
) -> tuple[ApiToken, str]:
    """Creates a token for `user` (a member of `agency`); returns it with the secret, shown once.
    `expires_at` None: valid until revoked. `scope` "baca": reads only."""
    if not Membership.objects.filter(user=user, agency=agency).exists():
        raise KinerjaError("not_found", _("Pengguna tidak ditemukan di instansi ini."), status=404)
    name = (name or "").strip()
    if not name:
        raise KinerjaError("invalid", _("Nama token wajib diisi."))
    if scope not in ApiToken.Scope.values:
        raise KinerjaError("invalid", _("Cakupan token tidak dikenal."))
    if expires_at is not None and expires_at <= timezone.now():
        raise KinerjaError("invalid", _("Tanggal berlaku token harus di masa depan."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        agency=agency,
        user=user,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(secret),
        created_by=acting_user,
        expires_at=expires_at,
        scope=scope,
    )
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="token.create",
        obj=token,
        summary=f"{name} → {user}",
        after={"user": user.pk, "name": name, "scope": scope, "expires_at": expires_at},
    )
    return token, secret


def token_expiry(*, choice: str, date: dt.date | None = None) -> dt.datetime | None:
    """The expiry of a token for a choice of the token form: "" (never), a number of days from
    now, or "tanggal" with a date (valid through that day, Asia/Jakarta)."""
    choice = (choice or "").strip()
    if not choice:
        return None
    if choice == "tanggal":
        if date is None:
            raise KinerjaError("invalid", _("Isi tanggal berlaku token."))
        next_day = dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(next_day)
    if choice.isdigit() and 1 <= int(choice) <= 3650:
        return timezone.now() + dt.timedelta(days=int(choice))
    raise KinerjaError("invalid", _("Masa berlaku token tidak dikenal."))


@transaction.atomic
def token_revoke(*, agency: Agency, token: ApiToken, acting_user: Any) -> ApiToken:
    if token.agency_id != agency.pk:
        raise KinerjaError("not_found", _("Token tidak ditemukan."), status=404)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            agency=agency,
            acting_user=acting_user,
            action="token.revoke",
            obj=token,
            summary=token.name,
        )
    return token


def token_authenticate(secret: str, *, client_address: str | None = None) -> ApiToken | None:
    """The active, unexpired token for this secret (with its user and agency), or None.
    With `client_address`, a failure counts against that address, and an address past its limit
    is refused (TooManyAttempts) before the secret is even looked at."""
    if client_address is not None:
        retry_after = throttle.token_retry_after(client_address)
        if retry_after is not None:
            raise TooManyAttempts(retry_after)
    token = None
    if secret and secret.startswith(TOKEN_PREFIX):
        token = (
            ApiToken.objects.select_related("user", "agency")
            .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .first()
        )
    if token is None:
        if client_address is not None:
            throttle.token_failure_count(client_address)
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most every 5 min
    return token


# --- sign-in lockouts (django-axes records the attempts; these audit and clear them) ------------


def login_lockout_record(*, username: str, ip_address: str) -> None:
    """Audits that `username` was locked out for `ip_address`, in the account's agency. A name
    that is no account is not audited (axes keeps its attempt): nobody could unlock it anyway."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    membership = Membership.objects.select_related("agency").filter(user=user).first()
    audit_record(
        agency=membership.agency if membership else None,
        acting_user=None,
        action="auth.lockout",
        obj=user,
        summary=f"{username} @ {ip_address}",
        after={"username": username, "ip_address": ip_address},
    )


@transaction.atomic
def login_lockout_clear(*, agency: Agency, attempt_id: int, acting_user: Any) -> AccessAttempt:
    """Unlocks the account and address of one recorded attempt: every attempt of that account
    from that address is removed. Another agency's account is "not found"."""
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if (
        attempt is None
        or not Membership.objects.filter(agency=agency, user__username=attempt.username).exists()
    ):
        raise NotFound()
    user = get_user_model().objects.get(username=attempt.username)
    removed, _counts = AccessAttempt.objects.filter(
        username=attempt.username, ip_address=attempt.ip_address
    ).delete()
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="auth.unlock",
        obj=user,
        summary=f"{attempt.username} @ {attempt.ip_address}",
        before={"username": attempt.username, "ip_address": attempt.ip_address},
        after={"removed_attempts": removed},
    )
    return attempt
