from django.urls import path

from askesos.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("new/", views.person_register, name="register"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/heirs/new/", views.heir_add, name="heir_add"),
    path("heirs/<int:pk>/edit/", views.heir_edit, name="heir_edit"),
    path("heirs/<int:pk>/remove/", views.heir_remove, name="heir_remove"),
    path("duplicates/", views.duplicate_queue, name="duplicates"),
    path("duplicates/<int:pk>/decide/", views.duplicate_decide, name="duplicate_decide"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("import/<int:pk>/errors/", views.import_errors, name="import_errors"),
    path("import/template.<slug:kind>", views.import_template, name="import_template"),
]
