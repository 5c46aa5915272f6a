from django.urls import path

from askesos.membership import views

app_name = "membership"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("enrol/", views.enrol, name="enrol"),
    path("enrol/persons/", views.person_results, name="person_results"),
    path("status/", views.status_page, name="public_status"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/card.pdf", views.card_pdf, name="card"),
]
