from django.urls import path

from askesos.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("area/<str:code>/", views.coverage, name="coverage_area"),
    path("area/<str:code>/target/", views.target_set, name="target_set"),
    path("scorecard/", views.scorecard_index, name="scorecard_index"),
    path("scorecard/city/<str:code>/", views.scorecard_city, name="scorecard_city"),
    path("scorecard/city/<str:code>/pdf/", views.scorecard_city_pdf, name="scorecard_city_pdf"),
    path("scorecard/lpa/<int:lpa_id>/", views.scorecard_lpa, name="scorecard_lpa"),
    path("scorecard/lpa/<int:lpa_id>/pdf/", views.scorecard_lpa_pdf, name="scorecard_lpa_pdf"),
]
