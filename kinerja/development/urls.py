"""Competency development URLs (mounted under pengembangan/)."""

from django.urls import path

from . import views

app_name = "development"
urlpatterns = [
    path("saya/", views.my_plan, name="my_plan"),
    path("saya/<int:year>/", views.my_plan, name="my_plan"),
    path("saya/tambah/", views.plan_add, name="plan_add"),
    path("saya/kegiatan/<int:item_id>/hapus/", views.plan_remove, name="plan_remove"),
    path("saya/ajukan/", views.plan_submit, name="plan_submit"),
    path("saya/realisasi/", views.realisation_add, name="realisation_add"),
    path("bukti/<int:realisation_id>/", views.evidence_download, name="evidence"),
    path("tim/", views.team_plans, name="team_plans"),
    path("rencana/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("rencana/<int:plan_id>/putuskan/", views.plan_decide, name="plan_decide"),
    path("katalog/", views.catalog_list, name="catalog"),
    path("katalog/pilihan/", views.catalog_options, name="catalog_options"),
    path("katalog/baru/", views.training_form, name="training_create"),
    path("katalog/<int:pk>/ubah/", views.training_form, name="training_edit"),
    path("katalog/<int:pk>/hapus/", views.training_delete, name="training_delete"),
    path("katalog/impor/", views.catalog_import, name="catalog_import"),
    path("katalog/impor/templat.xlsx", views.catalog_import_template, name="catalog_template"),
    path("analisis/", views.needs, name="needs"),
    path("analisis/kebutuhan.xlsx", views.needs_export, name="needs_export"),
]
