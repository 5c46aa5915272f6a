from django.urls import path

from askesos.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("generate/", views.generate, name="generate"),
    path("<int:report_id>/download/", views.download, name="download"),
]
