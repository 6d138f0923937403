from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.new_agreement, name="new_agreement"),
    path("agreements/<str:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.new_unit, name="new_unit"),
    path("units/<str:unit_id>/", views.unit_detail, name="unit_detail"),
    path("associations/", views.association_list, name="association_list"),
    path("associations/new/", views.new_association, name="new_association"),
    path("associations/<str:association_id>/", views.association_detail, name="association_detail"),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", views.new_volunteer, name="new_volunteer"),
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/new/", views.new_pairing, name="new_pairing"),
    path("pairings/<str:pairing_id>/", views.pairing_detail, name="pairing_detail"),
]
