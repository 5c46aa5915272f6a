from django.urls import path

from askesos.contributions import views

app_name = "contributions"
urlpatterns = [
    path("record/", views.record, name="record"),
    path("record/<int:membership_id>/", views.record_for, name="record_for"),
    path("record/<int:membership_id>/amount/", views.amount_fragment, name="amount"),
    path("receipt/<int:payment_id>/", views.receipt, name="receipt"),
    path("receipt/<int:payment_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("member/<int:membership_id>/", views.member, name="member"),
    path("arrears/", views.arrears, name="arrears"),
    path("follow-up/", views.followup, name="followup"),
    path("cash/", views.cashbook, name="cashbook"),
    path("cash/<int:officer_id>/", views.cashbook_officer, name="cashbook_officer"),
    path("cash/deposit/", views.deposit_new, name="deposit_new"),
    path("deposits/", views.deposits, name="deposits"),
    path("deposits/<int:deposit_id>/<str:decision>/", views.deposit_decide, name="deposit_decide"),
    path("third-party/", views.batch_upload, name="batch_upload"),
    path("third-party/<int:batch_id>/", views.batch, name="batch"),
]
