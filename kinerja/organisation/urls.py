from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("profil-saya/", views.me, name="me"),
    path("tim-saya/", views.team, name="team"),
    path("pegawai/", views.employee_list, name="employee_list"),
    path("pegawai/tambah/", views.employee_edit, name="employee_create"),
    path("pegawai/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("pegawai/<int:pk>/ubah/", views.employee_edit, name="employee_edit"),
    path("pegawai/<int:pk>/hapus/", views.employee_delete, name="employee_delete"),
    path("pegawai/<int:pk>/akun/", views.employee_login, name="employee_login"),
    path("unit/", views.unit_list, name="unit_list"),
    path("unit/tambah/", views.unit_edit, name="unit_create"),
    path("unit/<int:pk>/ubah/", views.unit_edit, name="unit_edit"),
    path("unit/<int:pk>/hapus/", views.unit_delete, name="unit_delete"),
    path("jabatan/", views.position_list, name="position_list"),
    path("jabatan/tambah/", views.position_edit, name="position_create"),
    path("jabatan/<int:pk>/", views.position_detail, name="position_detail"),
    path("jabatan/<int:pk>/ubah/", views.position_edit, name="position_edit"),
    path("jabatan/<int:pk>/hapus/", views.position_delete, name="position_delete"),
    path("impor/", views.import_employees, name="import_employees"),
    path("impor/templat.xlsx", views.import_template, name="import_template"),
]
