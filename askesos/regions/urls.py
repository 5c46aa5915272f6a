from django.urls import path, re_path

from askesos.regions import views

app_name = "regions"
CODE = r"(?P<code>\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?)"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("workforce/import/", views.workforce_import, name="workforce_import"),
    path("workforce/template.csv", views.workforce_template, name="workforce_template"),
    re_path(rf"^{CODE}/$", views.detail, name="detail"),
    re_path(rf"^{CODE}/workforce/$", views.workforce_edit, name="workforce_edit"),
]
