from django.urls import path

from askesos.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("new/<int:membership_id>/", views.new_for, name="new_for"),
    path("register/", views.register_view, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/documents/", views.upload, name="upload"),
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
    path("documents/<int:pk>/", views.document, name="document"),
]
