from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("outbox/", views.outbox, name="outbox"),
    path("due/", views.due, name="due"),
    path("new/", views.new_inquiry, name="new_inquiry"),
    path("messages/<str:message_id>/", views.message_detail, name="message_detail"),
    path("rates/", views.rates, name="rates"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.new_agreement, name="new_agreement"),
    path("agreements/<str:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/new/", views.new_station, name="new_station"),
    path("stations/<str:station_id>/", views.station_detail, name="station_detail"),
    path("stations/<str:station_id>/close/", views.close_station, name="close_station"),
]
