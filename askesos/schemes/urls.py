from django.urls import path

from askesos.schemes import views

app_name = "schemes"
urlpatterns = [
    path("", views.scheme_index, name="list"),
    path("<str:code>/", views.scheme_detail, name="detail"),
    path("<str:code>/versions/new/", views.version_new, name="version_new"),
    path("<str:code>/versions/<int:pk>/", views.version_detail, name="version"),
    path("<str:code>/versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
]
