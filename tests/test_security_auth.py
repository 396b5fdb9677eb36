"""Sign-in lockout (django-axes) and API token limits: rate, expiry and read-only scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kinerja.core.models import ApiToken, AuditEvent
from kinerja.core.services import token_create
from kinerja.organisation.models import OrgUnit

from .conftest import agency_state, make_user

PASSWORD = "pw-test-123"  # conftest.make_user
HOME = "10.1.1.1"
ELSEWHERE = "10.2.2.2"


def sign_in(client: Client, username: str, password: str, ip: str = HOME):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client: Client, username: str, times: int, ip: str = HOME) -> None:
    for _ in range(times):
        response = sign_in(client, username, "salah-terus", ip)
        assert response.status_code in (200, 429)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- sign-in lockout -----------------------------------------------------------------------------


def test_nine_failures_do_not_lock_and_the_right_password_still_signs_in(client, world):
    fail(client, "staf_a", 9)
    response = sign_in(client, "staf_a", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_the_tenth_failure_locks_the_account_with_a_message_on_the_sign_in_page(client, world):
    fail(client, "staf_a", 9)
    response = sign_in(client, "staf_a", "salah-lagi")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal" in body
    assert 'name="password"' in body  # the sign-in page itself, not a bare error page
    assert int(response["Retry-After"]) == 15 * 60


def test_while_locked_the_right_password_is_refused(client, world):
    fail(client, "staf_a", 10)
    response = sign_in(client, "staf_a", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()


def test_another_account_from_the_same_address_is_not_locked(client, world):
    fail(client, "staf_a", 10)
    response = sign_in(client, "rekan_a", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_the_same_account_from_another_address_is_not_locked(client, world):
    fail(client, "staf_a", 10)
    response = sign_in(client, "staf_a", PASSWORD, ip=ELSEWHERE)
    assert response.status_code == 302 and signed_in(client)


def test_x_forwarded_for_is_ignored_unless_the_proxy_setting_says_so(client, world, settings):
    fail(client, "staf_a", 10)
    spoofed = client.post(
        reverse("login"),
        {"username": "staf_a", "password": PASSWORD},
        REMOTE_ADDR=HOME,
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert spoofed.status_code == 429
    settings.TRUST_X_FORWARDED_FOR = True
    # Behind the proxy: the last entry is the address the proxy saw; earlier ones are the client's.
    via_proxy = client.post(
        reverse("login"),
        {"username": "staf_a", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{HOME}, {ELSEWHERE}",
    )
    assert via_proxy.status_code == 302 and signed_in(client)
    assert AccessAttempt.objects.filter(username="staf_a", ip_address=HOME).exists()


def test_a_lockout_is_in_the_agencys_audit_log_once(client, world):
    fail(client, "staf_a", 10)
    fail(client, "staf_a", 3)  # refused while locked: the same lockout, not new ones
    sign_in(client, "staf_a", PASSWORD)
    events = AuditEvent.objects.filter(action="auth.lockout")
    assert [(e.agency_id, e.object_id) for e in events] == [(world.agency.pk, str(world.staff.pk))]
    assert events[0].after == {"username": "staf_a", "ip_address": HOME}


def test_the_admin_sees_and_unlocks_a_lockout_of_their_agency_with_audit(client, world):
    fail(Client(), "staf_a", 10)
    client.force_login(world.admin)
    page = client.get(reverse("core:lockouts"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "staf_a" in body and HOME in body
    attempt = AccessAttempt.objects.get(username="staf_a", ip_address=HOME)
    response = client.post(reverse("core:lockout_unlock", args=[attempt.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="staf_a").exists()
    event = AuditEvent.objects.get(action="auth.unlock")
    assert event.agency_id == world.agency.pk and event.actor_id == world.admin.pk
    assert event.object_id == str(world.staff.pk)
    person = Client()
    assert sign_in(person, "staf_a", PASSWORD).status_code == 302 and signed_in(person)


def test_another_agencys_admin_neither_sees_nor_unlocks_the_lockout(client, world):
    fail(Client(), "staf_a", 10)
    attempt = AccessAttempt.objects.get(username="staf_a")
    client.force_login(world.outsider)
    page = client.get(reverse("core:lockouts"))
    assert page.status_code == 200 and "staf_a" not in page.content.decode()
    before = agency_state(world.agency)
    response = client.post(reverse("core:lockout_unlock", args=[attempt.pk]))
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert agency_state(world.agency) == before


@pytest.mark.parametrize("persona", ["staff", "supervisor", "leader"])
def test_only_the_admin_reaches_the_lockout_pages(client, world, persona):
    fail(Client(), "rekan_a", 10)
    attempt = AccessAttempt.objects.get(username="rekan_a")
    client.force_login(getattr(world, persona))
    assert client.get(reverse("core:lockouts")).status_code == 404
    response = client.post(reverse("core:lockout_unlock", args=[attempt.pk]))
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not AuditEvent.objects.filter(action="auth.unlock").exists()


def test_the_lockout_menu_is_shown_to_the_admin_only(client, world):
    client.force_login(world.admin)
    assert reverse("core:lockouts") in client.get(reverse("home")).content.decode()
    client.force_login(world.staff)
    assert reverse("core:lockouts") not in client.get(reverse("home")).content.decode()


def test_test_client_login_django_admin_and_api_session_still_work(client, world):
    assert client.login(username="staf_a", password=PASSWORD)  # no request: axes has no address
    assert not client.login(username="staf_a", password="salah")
    make_user("root", is_superuser=True, is_staff=True)
    admin_client = Client()
    response = admin_client.post(
        reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/django-admin/"}
    )
    assert response.status_code == 302 and signed_in(admin_client)
    assert admin_client.get("/django-admin/").status_code == 200
    api_client = Client()
    api_client.force_login(world.admin)
    assert api_client.get("/api/v1/units").status_code == 200


def test_the_django_admin_sign_in_is_locked_too(world):
    make_user("root", is_superuser=True, is_staff=True)
    client = Client()
    for _ in range(10):
        client.post(reverse("admin:login"), {"username": "root", "password": "x"}, REMOTE_ADDR=HOME)
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": PASSWORD}, REMOTE_ADDR=HOME
    )
    assert response.status_code == 429 and not signed_in(client)


# --- API tokens: failed attempts per address -----------------------------------------------------


def bearer(secret: str, ip: str = HOME) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "REMOTE_ADDR": ip}


def secret_for(world, **extra) -> str:
    _token, secret = token_create(
        agency=world.agency, user=world.admin, name="uji", acting_user=world.admin, **extra
    )
    return secret


def test_after_twenty_failed_tokens_the_address_gets_429_with_retry_after(client, world):
    good = secret_for(world)
    for _ in range(19):
        assert client.get("/api/v1/units", **bearer("knj_tebakan")).status_code == 401
    assert client.get("/api/v1/units", **bearer(good)).status_code == 200  # 19: not yet
    assert client.get("/api/v1/units", **bearer("knj_tebakan")).status_code == 401
    response = client.get("/api/v1/units", **bearer(good))  # the right token, too
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_attempts"
    assert response.json()["error"]["message"]
    assert 0 < int(response["Retry-After"]) <= 300
    assert client.get("/api/v1/units", **bearer(good, ip=ELSEWHERE)).status_code == 200


def test_tokens_not_starting_with_the_prefix_count_as_failures_too(client, world):
    for _ in range(20):
        client.get("/api/v1/units", **bearer("bukan-token"))
    assert client.get("/api/v1/units", **bearer(secret_for(world))).status_code == 429


def test_requests_without_a_token_are_not_counted(client, world):
    for _ in range(25):
        assert client.get("/api/v1/units", REMOTE_ADDR=HOME).status_code == 401
    assert client.get("/api/v1/units", **bearer(secret_for(world))).status_code == 200


# --- API tokens: expiry and scope ----------------------------------------------------------------


def test_an_expired_token_is_401(client, world):
    secret = secret_for(world, expires_at=timezone.now() + dt.timedelta(days=30))
    assert client.get("/api/v1/units", **bearer(secret)).status_code == 200
    ApiToken.objects.filter(agency=world.agency).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/api/v1/units", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_token_cannot_be_created_already_expired(world):
    from kinerja.core.errors import KinerjaError

    with pytest.raises(KinerjaError):
        secret_for(world, expires_at=timezone.now() - dt.timedelta(days=1))
    assert not ApiToken.objects.filter(agency=world.agency).exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_only_token_reads_but_every_write_is_403_and_changes_nothing(client, world, method):
    secret = secret_for(world, scope=ApiToken.Scope.READ)
    assert client.get("/api/v1/units", **bearer(secret)).status_code == 200
    before = agency_state(world.agency)
    path = {
        "post": "/api/v1/units",
        "patch": "/api/v1/trainings/999999",  # refused before the endpoint looks for it
    }.get(method, f"/api/v1/units/{world.subunit.pk}")
    response = getattr(client, method)(
        path,
        json.dumps({"name": "Seksi Baca", "kind": "seksi"}),
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "read_only_token"
    assert agency_state(world.agency) == before


def test_a_read_write_token_may_write(client, world):
    response = client.post(
        "/api/v1/units",
        json.dumps({"name": "Seksi Baca", "kind": "seksi"}),
        content_type="application/json",
        **bearer(secret_for(world)),
    )
    assert response.status_code == 201
    assert OrgUnit.objects.filter(agency=world.agency, name="Seksi Baca").exists()


# --- the token page ------------------------------------------------------------------------------


def test_the_admin_creates_a_read_only_token_for_30_days_and_the_list_shows_both(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("core:tokens"),
        {"name": "Dasbor", "user": world.leader.pk, "scope": "baca", "expiry": "30"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Dasbor")
    assert token.scope == ApiToken.Scope.READ and token.user == world.leader
    left = token.expires_at - timezone.now()
    assert dt.timedelta(days=29) < left <= dt.timedelta(days=30)
    body = response.content.decode()
    assert "Hanya baca" in body and timezone.localtime(token.expires_at).strftime("%Y") in body
    event = AuditEvent.objects.get(action="token.create", object_id=str(token.pk))
    assert event.after["scope"] == "baca" and event.after["expires_at"]


def test_the_admin_creates_a_token_valid_through_a_date(client, world):
    client.force_login(world.admin)
    day = timezone.localdate() + dt.timedelta(days=10)
    client.post(
        reverse("core:tokens"),
        {"name": "Sampai", "user": world.admin.pk, "expiry": "tanggal", "expiry_date": day},
    )
    token = ApiToken.objects.get(name="Sampai")
    assert timezone.localtime(token.expires_at) == timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    )
    assert token.scope == ApiToken.Scope.READ_WRITE


@pytest.mark.parametrize(
    "extra",
    [
        {"expiry": "tanggal", "expiry_date": "2000-01-01"},
        {"expiry": "tanggal"},
        {"expiry": "selamanya"},
        {"scope": "admin"},
    ],
)
def test_a_bad_expiry_or_scope_creates_no_token(client, world, extra):
    client.force_login(world.admin)
    response = client.post(
        reverse("core:tokens"), {"name": "Salah", "user": world.admin.pk} | extra
    )
    assert response.status_code == 200
    assert not ApiToken.objects.filter(name="Salah").exists()
    assert "alert-danger" in response.content.decode()
