"""Core app: tenancy, roles, permissions, audit, the UI shell."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kinerja.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from .signin import on_user_locked_out

        # axes produces the lockout; the handler only hands it to a service (services.py).
        user_locked_out.connect(on_user_locked_out, dispatch_uid="kinerja.core.lockout_audit")
