"""Assessment URLs: the raters' pages and the admin's pages live in their own modules."""

from .views_admin import urlpatterns as admin_urlpatterns
from .views_rater import urlpatterns as rater_urlpatterns

app_name = "assessment"
urlpatterns = rater_urlpatterns + admin_urlpatterns
