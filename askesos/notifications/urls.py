from django.urls import path

from askesos.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:message_id>/retry/", views.retry, name="retry"),
]
