from django.urls import path

from askesos.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/attendance/", views.event_attendance, name="event_attendance"),
    path("events/<int:pk>/leads/", views.lead_capture, name="lead_capture"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/status/<slug:status>/", views.lead_transition, name="lead_transition"),
    path("leads/<int:pk>/link/", views.lead_link, name="lead_link"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("funnel/", views.funnel, name="funnel"),
    path("coverage/", views.coverage, name="coverage"),
]
