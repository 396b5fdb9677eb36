from django.urls import path

from . import views

app_name = "competencies"
urlpatterns = [
    path("", views.framework, name="framework"),
    path("teknis/tambah/", views.teknis_edit, name="teknis_create"),
    path("teknis/<int:pk>/ubah/", views.teknis_edit, name="teknis_edit"),
    path("teknis/<int:pk>/hapus/", views.teknis_delete, name="teknis_delete"),
    path("standar/<int:pk>/", views.standard_edit, name="standard_edit"),
    path("standar/impor/", views.import_standards, name="import_standards"),
    path("standar/templat.xlsx", views.standards_template, name="standards_template"),
]
