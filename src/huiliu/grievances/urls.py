from django.urls import path

from . import views

app_name = "grievances"
urlpatterns = [
    path("", views.grievance_list, name="list"),
    path("new/", views.file_for_person, name="new"),
    path("forums/", views.forum_list, name="forum_list"),
    path("forums/new/", views.record_forum, name="forum_new"),
    path("forums/<str:forum_id>/", views.forum_detail, name="forum_detail"),
    path("<str:grievance_id>/", views.grievance_detail, name="detail"),
    path("<str:grievance_id>/take/", views.take_in_hand, name="take"),
    path("<str:grievance_id>/resolve/", views.resolve, name="resolve"),
    path("<str:grievance_id>/close/", views.close_unresolved, name="close"),
    path("<str:grievance_id>/reassign/", views.reassign, name="reassign"),
]
