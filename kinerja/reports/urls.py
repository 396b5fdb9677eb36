"""Report URLs (PDF): one employee's result, ZIPs of a team, a unit or the agency, and the
talent board and candidates for Baperjakat."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("hasil/<int:cycle_id>/<int:employee_id>.pdf", views.result_pdf, name="result_pdf"),
    path("hasil/<int:cycle_id>/tim.zip", views.team_zip, name="team_zip"),
    path("hasil/<int:cycle_id>/zip/", views.batch, name="batch"),
    path("talenta/<int:cycle_id>/9box.pdf", views.board_pdf, name="board_pdf"),
    path("talenta/kandidat/<int:position_id>.pdf", views.candidates_pdf, name="candidates_pdf"),
]
