"""The Word import's pages, to be included in the documents app's URLs (namespace `documents`)."""

from django.urls import path

from dibiao.documents import import_views

urlpatterns = [
    path("import/", import_views.import_docx, name="import_docx"),
    path("import/<int:pk>/report/", import_views.import_report, name="import_report"),
]
