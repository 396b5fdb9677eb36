"""Results URLs: the employee's and supervisor's pages, and the admin's (agency) pages."""

from .views_admin import urlpatterns as admin_urlpatterns
from .views_me import urlpatterns as me_urlpatterns

app_name = "results"
urlpatterns = me_urlpatterns + admin_urlpatterns
