from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from askesos.membership import views as membership_views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("status/", membership_views.status_page, name="public_status"),
    path("accounts/", include("askesos.accounts.urls")),
    path("regions/", include("askesos.regions.urls")),
    path("audit/", include("askesos.audit.urls")),
    path("lpa/", include("askesos.lpa.urls")),
    path("registry/", include("askesos.registry.urls")),
    path("schemes/", include("askesos.schemes.urls")),
    path("members/", include("askesos.membership.urls")),
    path("fund/", include("askesos.fund.urls")),
    path("notifications/", include("askesos.notifications.urls")),
    path("contributions/", include("askesos.contributions.urls")),
    path("outreach/", include("askesos.outreach.urls")),
    path("workforce/", include("askesos.workforce.urls")),
    path("api/", include("askesos.api.urls")),
    path("claims/", include("askesos.claims.urls")),
    path("analytics/", include("askesos.analytics.urls")),
    path("evaluation/", include("askesos.evaluation.urls")),
    path("reports/", include("askesos.reports.urls")),
    path("", include("askesos.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
