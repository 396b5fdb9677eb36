"""Core writes: API tokens. Audited like every other write."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import KinerjaError
from .models import Agency, ApiToken, Membership

TOKEN_PREFIX = "knj_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, agency: Agency, user: Any, name: str, acting_user: Any) -> tuple[ApiToken, str]:
    """Creates a token for `user` (a member of `agency`); returns it with the secret, shown once."""
    if not Membership.objects.filter(user=user, agency=agency).exists():
        raise KinerjaError("not_found", _("Pengguna tidak ditemukan di instansi ini."), status=404)
    name = (name or "").strip()
    if not name:
        raise KinerjaError("invalid", _("Nama token wajib diisi."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        agency=agency,
        user=user,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(secret),
        created_by=acting_user,
    )
    audit_record(
        agency=agency,
        acting_user=acting_user,
        action="token.create",
        obj=token,
        summary=f"{name} → {user}",
        after={"user": user.pk, "name": name},
    )
    return token, secret


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


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token for this secret (with its user and agency), or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "agency")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most every 5 min
    return token
