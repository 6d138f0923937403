from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("", views.candidate_list, name="candidates"),
    path("verification/", views.verification_list, name="verification_tasks"),
    path("verification/<str:task_id>/", views.verification_detail, name="verification_task"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<str:task_id>/", views.follow_up_detail, name="follow_up"),
    path("<str:candidate_id>/", views.candidate_detail, name="candidate"),
    path("<str:candidate_id>/accept/", views.accept, name="accept"),
    path("<str:candidate_id>/reject/", views.reject, name="reject"),
]
