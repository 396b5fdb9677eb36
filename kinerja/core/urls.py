from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("token-api/", views.tokens, name="tokens"),
    path("token-api/<int:pk>/cabut/", views.token_revoke, name="token_revoke"),
    path("jejak-audit/", views.audit_log, name="audit"),
    path("akun-terkunci/", views.lockouts, name="lockouts"),
    path("akun-terkunci/<int:pk>/buka/", views.lockout_unlock, name="lockout_unlock"),
]
