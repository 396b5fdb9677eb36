"""Talent URLs: the 9-box board, box lists, the succession pool and the promotion candidates."""

from django.urls import path

from . import views

app_name = "talent"
urlpatterns = [
    path("", views.board, name="board"),
    path("<int:cycle_id>/", views.board, name="board_cycle"),
    path("<int:cycle_id>/kotak/<int:box>/", views.box_members, name="box"),
    path("<int:cycle_id>/kotak/<int:box>.xlsx", views.box_xlsx, name="box_xlsx"),
    path("<int:cycle_id>/suksesi/", views.pool, name="pool"),
    path("<int:cycle_id>/suksesi.xlsx", views.pool_xlsx, name="pool_xlsx"),
    path("kandidat/", views.candidates, name="candidates"),
    path("kandidat/<int:position_id>.xlsx", views.candidates_xlsx, name="candidates_xlsx"),
    path("kandidat/<int:position_id>/peringkat/", views.candidates_rank, name="candidates_rank"),
]
