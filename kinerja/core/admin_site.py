"""The Django admin site, restricted to superusers; agency staff use Kinerja's own pages."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Kinerja · admin Django"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class KinerjaAdminConfig(AdminConfig):
    default_site = "kinerja.core.admin_site.SuperuserAdminSite"
