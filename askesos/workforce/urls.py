from django.urls import path

from askesos.workforce import views

app_name = "workforce"
urlpatterns = [
    path("training/", views.training_needs, name="training_needs"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/certificate/", views.training_certificate, name="training_certificate"),
    path("kpis/", views.kpis, name="kpis"),
    path("honorarium/", views.honorarium_list, name="honorarium_list"),
    path("honorarium/compute/", views.honorarium_compute, name="honorarium_compute"),
    path("honorarium/<int:pk>/approve/", views.honorarium_approve, name="honorarium_approve"),
    path("honorarium/<int:pk>/pay/", views.honorarium_pay, name="honorarium_pay"),
    path("facilities/", views.facilities, name="facilities"),
    path("facilities/<slug:kind>/new/", views.asset_create, name="asset_create"),
    path("facilities/<slug:kind>/<int:pk>/", views.asset_detail, name="asset_detail"),
]
