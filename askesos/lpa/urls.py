from django.urls import path

from askesos.lpa import views

app_name = "lpa"
urlpatterns = [
    path("", views.lpa_list, name="list"),
    path("new/", views.lpa_create, name="create"),
    path("<int:pk>/", views.lpa_detail, name="detail"),
    path("<int:pk>/edit/", views.lpa_edit, name="edit"),
    path("<int:pk>/criteria/", views.lpa_criteria, name="criteria"),
    path("<int:pk>/status/<slug:action>/", views.lpa_transition, name="transition"),
    path("<int:pk>/seed-grant/", views.seed_grant_create, name="seed_grant"),
    path("<int:pk>/officers/new/", views.officer_create, name="officer_create"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/deactivate/", views.officer_deactivate, name="officer_deactivate"),
]
