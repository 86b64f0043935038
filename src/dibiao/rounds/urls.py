from django.urls import path

from dibiao.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="detail"),
]
