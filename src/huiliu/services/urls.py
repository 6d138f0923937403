from django.urls import path

from . import views

app_name = "services"
urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("record/<str:person_id>/", views.record_service, name="record_service"),
    path("records/<str:record_id>/", views.record_detail, name="record_detail"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offer/<str:person_id>/", views.make_offer, name="make_offer"),
    path("offers/<str:offer_id>/", views.offer_detail, name="offer_detail"),
    path("work/", views.work_list, name="work_list"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/<str:group_id>/", views.group_edit, name="group_edit"),
    path("groups/<str:group_id>/remove/", views.group_remove, name="group_remove"),
]
