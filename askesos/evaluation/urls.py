from django.urls import path

from askesos.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:round_id>/", views.round_detail, name="round"),
    path("<int:round_id>/respond/", views.response_new, name="respond"),
    path("<int:round_id>/import/", views.response_import, name="import"),
    path("<int:round_id>/template.csv", views.import_template, name="template"),
]
