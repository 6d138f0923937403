from django.urls import path

from . import views

# The home page ("people:home") composes people and exchange: the root URL configuration adds it to this namespace.
app_name = "people"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.register_person, name="register_person"),
    path("people/left-behind/", views.left_behind_roll, name="left_behind_roll"),
    path("people/left-behind/<str:relative_id>/", views.left_behind_detail, name="left_behind_detail"),
    path("people/left-behind/<str:relative_id>/edit/", views.edit_left_behind, name="edit_left_behind"),
    path("people/left-behind/<str:relative_id>/off-roll/", views.take_off_left_behind_roll,
         name="take_off_left_behind_roll"),
    path("people/<str:person_id>/", views.person_detail, name="person_detail"),
    path("people/<str:person_id>/edit/", views.edit_person, name="edit_person"),
    path("people/<str:person_id>/departure/", views.register_departure, name="register_departure"),
    path("people/<str:person_id>/children/", views.add_child, name="add_child"),
    path("people/<str:person_id>/left-behind/new/", views.add_left_behind, name="add_left_behind"),
    path("arrivals/new/", views.register_arrival, name="register_arrival"),
    path("migrations/<str:migration_id>/close/", views.close_migration, name="close_migration"),
]
