from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from dibiao.accounts.admin_site import restrict_admin_to_national_admins

restrict_admin_to_national_admins(admin.site)

urlpatterns = [
    path("", include("dibiao.dashboards.urls")),
    path("accounts/", include("dibiao.accounts.urls")),
    path("organisations/", include("dibiao.organisations.urls")),
    path("rounds/", include("dibiao.rounds.urls")),
    path("recommendations/", include("dibiao.recommendations.urls")),
    path("documents/", include("dibiao.documents.urls")),
    path("reviews/", include("dibiao.reviews.urls")),
    path("reports/", include("dibiao.reports.urls")),
    path("public/", include("dibiao.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
