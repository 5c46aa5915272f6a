"""Walk the project's URL patterns and turn each into a concrete URL for the security world."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

LOGIN = "L"  # 302 to the login page
# Column order of every row of the access matrix.
PERSONAS = (
    "anon",
    "kemensos_admin",
    "dinsos_jaktim",
    "dinsos_jakbar",
    "lpa_manager",
    "other_lpa_manager",
    "officer",
    "auditor",
    "member_user",
    "outsider",
)


def url_names() -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern; unnamed patterns are named by their route."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if (p.name and namespace) else (p.name or route)
                yield name, route

    yield from walk(get_resolver(), "", "")


def concrete_urls(w: Any) -> dict[str, str]:
    """A URL addressing a JT-01 object for every pattern (paths built by hand where reversing is
    not possible, e.g. the API catch-all)."""
    month = w.today.strftime("%Y-%m")
    u = {
        "set_language": "/i18n/setlang/",
        "accounts:login": "/accounts/login/",
        "accounts:logout": "/accounts/logout/",
        "accounts:password_change": "/accounts/password/",
        "accounts:password_done": "/accounts/password/done/",
        "regions:browse": "/regions/",
        "regions:search": "/regions/search/?q=jati",
        "regions:workforce_import": "/regions/workforce/import/",
        "regions:workforce_template": "/regions/workforce/template.csv",
        "regions:detail": "/regions/31.75.03/",
        "regions:workforce_edit": "/regions/31.75.03.1001/workforce/",
        "audit:list": "/audit/",
        "lpa:list": "/lpa/",
        "lpa:create": "/lpa/new/",
        "lpa:detail": f"/lpa/{w.lpa.pk}/",
        "lpa:edit": f"/lpa/{w.lpa.pk}/edit/",
        "lpa:criteria": f"/lpa/{w.lpa.pk}/criteria/",
        "lpa:transition": f"/lpa/{w.lpa.pk}/status/suspend/",
        "lpa:seed_grant": f"/lpa/{w.lpa.pk}/seed-grant/",
        "lpa:officer_create": f"/lpa/{w.lpa.pk}/officers/new/",
        "lpa:evidence": f"/lpa/evidence/{w.evidence.pk}/",
        "lpa:officer_list": "/lpa/officers/",
        "lpa:officer_edit": f"/lpa/officers/{w.field_officer.pk}/edit/",
        "lpa:officer_deactivate": f"/lpa/officers/{w.field_officer.pk}/deactivate/",
        "registry:search": "/registry/?q=Budi",
        "registry:register": "/registry/new/",
        "registry:detail": f"/registry/{w.person.pk}/",
        "registry:edit": f"/registry/{w.person.pk}/edit/",
        "registry:heir_add": f"/registry/{w.person.pk}/heirs/new/",
        "registry:heir_edit": f"/registry/heirs/{w.heir.pk}/edit/",
        "registry:heir_remove": f"/registry/heirs/{w.heir.pk}/remove/",
        "registry:duplicates": "/registry/duplicates/",
        "registry:duplicate_decide": f"/registry/duplicates/{w.duplicate.pk}/decide/",
        "registry:import": "/registry/import/",
        "registry:import_status": f"/registry/import/{w.import_job.pk}/",
        "registry:import_errors": f"/registry/import/{w.import_job.pk}/errors/",
        "registry:import_template": "/registry/import/template.csv",
        "schemes:list": "/schemes/",
        "schemes:detail": f"/schemes/{w.scheme.code}/",
        "schemes:version_new": f"/schemes/{w.scheme.code}/versions/new/",
        "schemes:version": f"/schemes/{w.scheme.code}/versions/{w.version.pk}/",
        "schemes:version_edit": f"/schemes/{w.scheme.code}/versions/{w.version.pk}/edit/",
        "membership:list": "/members/",
        "membership:enrol": "/members/enrol/",
        "membership:person_results": "/members/enrol/persons/?q=Budi",
        "membership:public_status": "/members/status/",
        "membership:detail": f"/members/{w.membership.member_number}/",
        "membership:card": f"/members/{w.membership.member_number}/card.pdf",
        "fund:overview": "/fund/",
        "fund:lpa": f"/fund/{w.lpa.pk}/",
        "fund:journal": f"/fund/{w.lpa.pk}/journal/",
        "fund:expense": f"/fund/{w.lpa.pk}/expense/",
        "fund:reverse": f"/fund/{w.lpa.pk}/journal/{w.journal_entry.pk}/reverse/",
        "fund:report_pdf": f"/fund/{w.lpa.pk}/report/{month}.pdf",
        "fund:report_xlsx": f"/fund/{w.lpa.pk}/report/{month}.xlsx",
        "notifications:outbox": "/notifications/",
        "notifications:retry": f"/notifications/{w.message.pk}/retry/",
        "contributions:record": "/contributions/record/",
        "contributions:record_for": f"/contributions/record/{w.membership.pk}/",
        "contributions:amount": f"/contributions/record/{w.membership.pk}/amount/?months=1",
        "contributions:receipt": f"/contributions/receipt/{w.payment.pk}/",
        "contributions:receipt_pdf": f"/contributions/receipt/{w.payment.pk}/pdf/",
        "contributions:member": f"/contributions/member/{w.membership.pk}/",
        "contributions:arrears": "/contributions/arrears/",
        "contributions:followup": "/contributions/follow-up/",
        "contributions:cashbook": "/contributions/cash/",
        "contributions:cashbook_officer": f"/contributions/cash/{w.field_officer.pk}/",
        "contributions:deposit_new": "/contributions/cash/deposit/",
        "contributions:deposits": "/contributions/deposits/",
        "contributions:deposit_decide": f"/contributions/deposits/{w.deposit.pk}/confirm/",
        "contributions:batch_upload": "/contributions/third-party/",
        "contributions:batch": f"/contributions/third-party/{w.batch.pk}/",
        "outreach:event_list": "/outreach/",
        "outreach:event_create": "/outreach/events/new/",
        "outreach:event_detail": f"/outreach/events/{w.event.pk}/",
        "outreach:event_attendance": f"/outreach/events/{w.event.pk}/attendance/",
        "outreach:lead_capture": f"/outreach/events/{w.event.pk}/leads/",
        "outreach:lead_list": "/outreach/leads/",
        "outreach:lead_detail": f"/outreach/leads/{w.lead.pk}/",
        "outreach:lead_transition": f"/outreach/leads/{w.lead.pk}/status/contacted/",
        "outreach:lead_link": f"/outreach/leads/{w.lead.pk}/link/",
        "outreach:campaign_list": "/outreach/campaigns/",
        "outreach:campaign_create": "/outreach/campaigns/new/",
        "outreach:funnel": "/outreach/funnel/",
        "outreach:coverage": "/outreach/coverage/",
        "workforce:training_needs": "/workforce/training/",
        "workforce:training_create": "/workforce/training/new/",
        "workforce:training_detail": f"/workforce/training/{w.training.pk}/",
        "workforce:training_certificate": f"/workforce/training/{w.training.pk}/certificate/",
        "workforce:kpis": "/workforce/kpis/",
        "workforce:honorarium_list": "/workforce/honorarium/",
        "workforce:honorarium_compute": "/workforce/honorarium/compute/",
        "workforce:honorarium_approve": f"/workforce/honorarium/{w.honorarium.pk}/approve/",
        "workforce:honorarium_pay": f"/workforce/honorarium/{w.honorarium.pk}/pay/",
        "workforce:facilities": "/workforce/facilities/",
        "workforce:asset_create": "/workforce/facilities/vehicle/new/",
        "workforce:asset_detail": f"/workforce/facilities/vehicle/{w.vehicle.pk}/",
        "api:tokens": "/api/tokens/",
        "api:token_revoke": f"/api/tokens/{w.token.pk}/revoke/",
        "api:docs": "/api/v1/docs",
        "api-v1:openapi-json": "/api/v1/openapi.json",
        "api-v1:region_list": "/api/v1/regions",
        "api-v1:region_get": "/api/v1/regions/31.75.03",
        "api-v1:lpa_list": "/api/v1/lpas",
        "api-v1:lpa_get": f"/api/v1/lpas/{w.lpa.code}",
        "api-v1:officer_list": "/api/v1/officers",
        "api-v1:officer_get": f"/api/v1/officers/{w.field_officer.pk}",
        "api-v1:person_lookup": f"/api/v1/persons/lookup?nik={w.person.nik}",
        "api-v1:person_get": f"/api/v1/persons/{w.person.pk}",
        "api-v1:person_create": "/api/v1/persons",
        "api-v1:member_lookup": f"/api/v1/members/lookup?nik={w.person.nik}",
        "api-v1:member_get": f"/api/v1/members/{w.membership.member_number}",
        "api-v1:enrolment_create": "/api/v1/enrolments",
        "api-v1:payment_create": "/api/v1/payments",
        "api-v1:lead_create": "/api/v1/leads",
        "api-v1:attendance_set": "/api/v1/attendance",
        "api-v1:sync_batch_post": "/api/v1/sync/batch",
        "api-v1:api-root": "/api/v1/",
        "api/v1/<path:rest>": "/api/v1/no-such-thing",
        "claims:queue": "/claims/",
        "claims:new": "/claims/new/",
        "claims:new_for": f"/claims/new/{w.membership.pk}/",
        "claims:register": "/claims/register/",
        "claims:detail": f"/claims/{w.claim.pk}/",
        "claims:upload": f"/claims/{w.claim.pk}/documents/",
        "claims:pay": f"/claims/{w.claim.pk}/pay/",
        "claims:act": f"/claims/{w.claim.pk}/verify/",
        "claims:document": f"/claims/documents/{w.attachment.pk}/",
        "analytics:coverage": "/analytics/",
        "analytics:coverage_area": "/analytics/area/31.75/",
        "analytics:target_set": "/analytics/area/31.75/target/",
        "analytics:scorecard_index": "/analytics/scorecard/",
        "analytics:scorecard_city": "/analytics/scorecard/city/31.75/",
        "analytics:scorecard_city_pdf": "/analytics/scorecard/city/31.75/pdf/",
        "analytics:scorecard_lpa": f"/analytics/scorecard/lpa/{w.lpa.pk}/",
        "analytics:scorecard_lpa_pdf": f"/analytics/scorecard/lpa/{w.lpa.pk}/pdf/",
        "evaluation:rounds": "/evaluation/",
        "evaluation:round_new": "/evaluation/new/",
        "evaluation:round": f"/evaluation/{w.survey.pk}/",
        "evaluation:respond": f"/evaluation/{w.survey.pk}/respond/",
        "evaluation:import": f"/evaluation/{w.survey.pk}/import/",
        "evaluation:template": f"/evaluation/{w.survey.pk}/template.csv",
        "reports:list": "/reports/",
        "reports:generate": "/reports/generate/",
        "reports:download": f"/reports/{getattr(w.report, 'pk', 0)}/download/",
        "public_status": "/status/",
        "core:home": "/",
        "core:healthz": "/healthz",
    }
    return u
