from django.urls import path

from dibiao.documents import import_urls, views

app_name = "documents"
urlpatterns = [
    path("recommendations/<int:pk>/word/", views.word, name="word"),
    path("recommendations/<int:pk>/pdf/", views.pdf_view, name="pdf"),
    path("recommendations/<int:pk>/print/", views.print_view, name="print"),
    path("paper-check/", views.paper_check, name="paper_check"),
    path("rounds/<int:round_pk>/", views.round_exports, name="round_exports"),
    path("rounds/<int:round_pk>/summary/", views.summary_xlsx, name="summary_xlsx"),
    path("rounds/<int:round_pk>/archive/", views.archive_start, name="archive_start"),
    path("rounds/<int:round_pk>/quotas/", views.quota_xlsx, name="quota_xlsx"),
    path("files/<int:pk>/", views.generated, name="generated"),
    path("files/<int:pk>/download/", views.generated_download, name="generated_download"),
    # Starting a draft from a filled Word form (documents/import_views.py).
    *import_urls.urlpatterns,
]
