"""Assessment URLs: the raters' pages, the admin's pages and the announcement page live in
their own modules."""

from .views_admin import urlpatterns as admin_urlpatterns
from .views_comms import urlpatterns as comms_urlpatterns
from .views_rater import urlpatterns as rater_urlpatterns

app_name = "assessment"
urlpatterns = rater_urlpatterns + admin_urlpatterns + comms_urlpatterns
