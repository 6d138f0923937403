from django.urls import path

app_name = "exchange_peer"
urlpatterns: list = []
