"""Core pages: home, API tokens, the audit log, and the error pages."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .errors import KinerjaError
from .models import ApiToken, AuditEvent
from .tenancy import get_for_agency_or_404
from .types import AgencyRequest

# The validity periods offered when creating a token, in days (besides "none" and a date).
EXPIRY_DAYS = (30, 90, 365)


def agency_required(check):
    """Signed in, a member of an agency, and `check(user, agency)` holds; else 404."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request: AgencyRequest, *args, **kwargs):
            if request.agency is None or not check(request.user, request.agency):
                raise Http404(_("Halaman tidak ditemukan."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def show_error(request: AgencyRequest, error: KinerjaError) -> None:
    messages.error(request, error.message)


def not_found(request: AgencyRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def login_locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page again, with why and for how long, as a 429."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username")})
    message = ngettext(
        "Terlalu banyak percobaan masuk yang gagal untuk akun ini dari alamat Anda. Akun ini "
        "dikunci dari alamat ini selama %(minutes)d menit; coba lagi nanti atau minta admin "
        "kepegawaian membuka kuncinya.",
        "Terlalu banyak percobaan masuk yang gagal untuk akun ini dari alamat Anda. Akun ini "
        "dikunci dari alamat ini selama %(minutes)d menit; coba lagi nanti atau minta admin "
        "kepegawaian membuka kuncinya.",
        minutes,
    ) % {"minutes": minutes}
    context = {"form": form, "locked_message": message, "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@agency_required(permissions.can_manage_tokens)
def tokens(request: AgencyRequest) -> HttpResponse:
    User = get_user_model()
    agency = request.agency
    new_secret = None
    if request.method == "POST":
        try:
            user = User.objects.filter(
                membership__agency=agency, pk=request.POST.get("user") or 0
            ).first()
            if user is None:
                raise KinerjaError("not_found", _("Pilih pengguna dari instansi ini."))
            token, new_secret = services.token_create(
                agency=agency,
                user=user,
                name=request.POST.get("name", ""),
                acting_user=request.user,
                expires_at=services.token_expiry(
                    choice=request.POST.get("expiry", ""),
                    date=parse_date(request.POST.get("expiry_date") or "") or None,
                ),
                scope=request.POST.get("scope") or ApiToken.Scope.READ_WRITE,
            )
            messages.success(
                request, _("Token dibuat. Salin sekarang: token tidak akan ditampilkan lagi.")
            )
        except KinerjaError as error:
            show_error(request, error)
    token_list = ApiToken.objects.filter(agency=agency).select_related("user")
    users = User.objects.filter(membership__agency=agency).order_by("username")
    return render(
        request,
        "core/tokens.html",
        {
            "tokens": token_list,
            "users": users,
            "new_secret": new_secret,
            "scopes": ApiToken.Scope.choices,
            "expiry_days": EXPIRY_DAYS,
        },
    )


@require_POST
@agency_required(permissions.can_manage_tokens)
def token_revoke(request: AgencyRequest, pk: int) -> HttpResponse:
    token = get_for_agency_or_404(ApiToken, request.agency, pk=pk)
    services.token_revoke(agency=request.agency, token=token, acting_user=request.user)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("core:tokens")


@agency_required(permissions.can_manage_lockouts)
def lockouts(request: AgencyRequest) -> HttpResponse:
    rows = selectors.agency_lockouts(agency=request.agency)
    return render(request, "core/lockouts.html", {"lockouts": rows})


@require_POST
@agency_required(permissions.can_manage_lockouts)
def lockout_unlock(request: AgencyRequest, pk: int) -> HttpResponse:
    try:
        attempt = services.login_lockout_clear(
            agency=request.agency, attempt_id=pk, acting_user=request.user
        )
    except KinerjaError as error:
        raise Http404(error.message) from error
    messages.success(
        request,
        _("Kunci akun %(username)s dari alamat %(ip)s dibuka.")
        % {"username": attempt.username, "ip": attempt.ip_address},
    )
    return redirect("core:lockouts")


@agency_required(permissions.can_view_audit)
def audit_log(request: AgencyRequest) -> HttpResponse:
    events = AuditEvent.objects.filter(agency=request.agency).order_by("-id")
    if q := request.GET.get("q", "").strip():
        events = events.filter(action__icontains=q) | events.filter(summary__icontains=q)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "q": q})
