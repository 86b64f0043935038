"""The ranking, the decision and the outcome pages; included into reviews/urls.py."""

from django.urls import path

from dibiao.reviews import ranking_views

urlpatterns = [
    path("ranking/", ranking_views.ranking, name="ranking"),
    path("ranking/<int:round_pk>/export/", ranking_views.ranking_export, name="ranking_export"),
    path("ranking/<int:round_pk>/decide/", ranking_views.decide, name="decide"),
    path("ranking/<int:round_pk>/publish/", ranking_views.publish, name="publish"),
    path("outcome/", ranking_views.outcome, name="outcome"),
]
