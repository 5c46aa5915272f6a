from django.urls import path

from askesos.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:lpa_id>/", views.lpa_dashboard, name="lpa"),
    path("<int:lpa_id>/journal/", views.journal, name="journal"),
    path("<int:lpa_id>/expense/", views.expense_create, name="expense"),
    path("<int:lpa_id>/journal/<int:entry_id>/reverse/", views.entry_reverse, name="reverse"),
    path("<int:lpa_id>/report/<str:month>.pdf", views.report_pdf, name="report_pdf"),
    path("<int:lpa_id>/report/<str:month>.xlsx", views.report_xlsx, name="report_xlsx"),
]
