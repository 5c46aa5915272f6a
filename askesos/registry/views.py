"""Registry pages. Views parse input, call a selector or a service, and render; rules live in services.

Scope: every object comes through ``core.access`` (404 outside the user's scope); capabilities
(403) through ``capability_required``. NIKs are masked in every list; the full NIK appears only on
the detail page and only for roles with ``Capability.VIEW_NIK``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.services import audit_view
from askesos.core.access import get_in_scope_or_404
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError
from askesos.core.uploads import EXTENSIONS
from askesos.registry import selectors, services
from askesos.registry.duplicates import duplicate_dismiss, duplicate_merge
from askesos.registry.forms import DecisionForm, HeirForm, ImportForm, PersonForm
from askesos.registry.import_template import template_csv, template_xlsx
from askesos.registry.importer import import_job_create, import_run, previous_imports
from askesos.registry.models import Heir, ImportJob, Person

log = logging.getLogger(__name__)


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


@capability_required(Capability.VIEW_REGISTRY)
def person_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = selectors.person_search(request.user, query) if query else []
    can_register = has_capability(request.user, Capability.EDIT_REGISTRY)
    return render(
        request, "registry/search.html", {"query": query, "results": results, "can_register": can_register}
    )


@capability_required(Capability.VIEW_REGISTRY)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_detail(request.user, pk)
    audit_view(request, person)
    heirs = list(person.heirs.all())
    context = {
        "person": person,
        "show_nik": has_capability(request.user, Capability.VIEW_NIK),
        "can_edit": has_capability(request.user, Capability.EDIT_REGISTRY),
        "heirs": heirs,
        "heirs_status": selectors.heirs_status(heirs),
        "kk_history": list(person.kk_history.all()),
        "memberships": selectors.person_memberships(person),
        "events": selectors.person_audit(request.user, person)
        if has_capability(request.user, Capability.VIEW_AUDIT)
        or has_capability(request.user, Capability.EDIT_REGISTRY)
        else [],
    }
    return render(request, "registry/detail.html", context)


@capability_required(Capability.EDIT_REGISTRY)
def person_register(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(
                actor=request.user,
                lpa=form.cleaned_data["lpa"],
                data=form.to_input(),
                today=timezone.localdate(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person.full_name})
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": None})


@capability_required(Capability.EDIT_REGISTRY)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_detail(request.user, pk)
    form = PersonForm(
        request.POST or None, user=request.user, editing=True, initial=PersonForm.initial_for(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                data=form.to_input(),
                today=timezone.localdate(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@capability_required(Capability.EDIT_REGISTRY)
def heir_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_in_scope_or_404(request.user, Person, pk=pk)
    form = HeirForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.heir_add(
                actor=request.user, person=person, data=form.to_input(), today=timezone.localdate()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _after_heir_change(request, person)
    return render(request, "registry/heir_form.html", {"form": form, "person": person, "heir": None})


@capability_required(Capability.EDIT_REGISTRY)
def heir_edit(request: HttpRequest, pk: int) -> HttpResponse:
    heir = get_in_scope_or_404(request.user, Heir.objects.select_related("person"), pk=pk)
    form = HeirForm(request.POST or None, initial=HeirForm.initial_for(heir))
    if request.method == "POST" and form.is_valid():
        try:
            services.heir_update(
                actor=request.user, heir=heir, data=form.to_input(), today=timezone.localdate()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _after_heir_change(request, heir.person)
    return render(request, "registry/heir_form.html", {"form": form, "person": heir.person, "heir": heir})


@require_POST
@capability_required(Capability.EDIT_REGISTRY)
def heir_remove(request: HttpRequest, pk: int) -> HttpResponse:
    heir = get_in_scope_or_404(request.user, Heir.objects.select_related("person"), pk=pk)
    person = heir.person
    services.heir_remove(
        actor=request.user, heir=heir, reason=request.POST.get("reason", ""), today=timezone.localdate()
    )
    return _after_heir_change(request, person)


def _after_heir_change(request: HttpRequest, person: Person) -> HttpResponse:
    total = services.heirs_share_total(person)
    if total != services.FULL_SHARE_BP:
        messages.warning(
            request,
            _("The heirs' shares add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": total / 100},
        )
    else:
        messages.success(request, _("Heirs saved."))
    return redirect("registry:detail", pk=person.pk)


# --- duplicates -------------------------------------------------------------------------------------


@capability_required(Capability.REVIEW_DUPLICATES)
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    pairs = list(selectors.duplicate_queue(request.user)[:100])
    visible = selectors.persons_in_scope(
        request.user, [p for c in pairs for p in (c.person_a_id, c.person_b_id)]
    )
    return render(request, "registry/duplicates.html", {"pairs": pairs, "visible": visible})


@require_POST
@capability_required(Capability.REVIEW_DUPLICATES)
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.duplicate_in_scope_or_404(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose merge or dismiss."))
        return redirect("registry:duplicates")
    data = form.cleaned_data
    try:
        if data["action"] == "dismiss":
            duplicate_dismiss(
                actor=request.user, candidate=candidate, note=data["note"], today=timezone.localdate()
            )
            messages.success(request, _("Marked as different people."))
        else:
            # Merging changes both records: both must be in the reviewer's scope.
            both = {candidate.person_a_id, candidate.person_b_id}
            if selectors.persons_in_scope(request.user, list(both)) != both:
                raise DomainError(
                    _(
                        "One of these persons belongs to an LPA outside your scope; "
                        "ask Dinas Sosial to merge."
                    ),
                    code="merge_out_of_scope",
                )
            keep = candidate.person_a if data["keep"] == candidate.person_a_id else candidate.person_b
            duplicate_merge(
                actor=request.user,
                candidate=candidate,
                keep=keep,
                note=data["note"],
                today=timezone.localdate(),
            )
            messages.success(request, _("Merged into %(name)s.") % {"name": keep.full_name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("registry:duplicates")


# --- import -----------------------------------------------------------------------------------------


def run_import_job(job_id: int, user_id: int | None) -> None:
    """Run a stored import job; ``import_run`` records success or failure on the job row."""
    from django.contrib.auth import get_user_model

    job = ImportJob.objects.select_related("lpa").get(pk=job_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    try:
        with default_storage.open(job.source_path, "rb") as binary:
            import_run(job=job, actor=actor, binary=binary, today=timezone.localdate())
    except DomainError:
        pass  # file-level problems are on the job (status failed, message)


def _start_import(job_id: int, user_id: int | None) -> None:
    """After commit: a background thread for the demo (a task queue takes its place in production).
    ``ASKESOS_IMPORT_IN_THREAD = False`` runs it inline (tests)."""
    if not getattr(settings, "ASKESOS_IMPORT_IN_THREAD", True):
        run_import_job(job_id, user_id)
        return

    def work() -> None:
        try:
            run_import_job(job_id, user_id)
        except Exception:
            log.exception("import job %s failed", job_id)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start()


@capability_required(Capability.IMPORT_MEMBERS)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        # Size and type (CSV text or an Excel workbook, by content) were checked by the form's
        # UploadField (core.uploads); content_type is the sniffed type.
        upload = form.cleaned_data["file"]
        digest = hashlib.sha256()
        for block in upload.chunks():
            digest.update(block)
        upload.seek(0)
        path = default_storage.save(
            f"imports/uploads/{uuid.uuid4().hex}{EXTENSIONS[upload.content_type]}", ContentFile(upload.read())
        )
        with transaction.atomic():
            job = import_job_create(
                actor=request.user,
                lpa=form.cleaned_data["lpa"],
                file_name=upload.name,
                sha256=digest.hexdigest(),
                source_path=path,
            )
            user_id = request.user.pk
            transaction.on_commit(lambda: _start_import(job.pk, user_id))
        return redirect("registry:import_status", pk=job.pk)
    jobs = list(selectors.import_jobs(request.user)[:10])
    return render(request, "registry/import.html", {"form": form, "jobs": jobs})


@capability_required(Capability.IMPORT_MEMBERS)
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_in_scope_or_404(request.user, ImportJob.objects.select_related("lpa"), pk=pk)
    context = {"job": job, "previous": previous_imports(job), "running": job.status in ("pending", "running")}
    if request.headers.get("HX-Request"):
        return render(request, "registry/_import_progress.html", context)
    return render(request, "registry/import_status.html", context)


@capability_required(Capability.IMPORT_MEMBERS)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_in_scope_or_404(request.user, ImportJob, pk=pk)
    if not job.error_file or not default_storage.exists(job.error_file):
        raise Http404
    response = FileResponse(
        default_storage.open(job.error_file, "rb"),
        as_attachment=True,
        filename=f"kesalahan-{job.file_name.rsplit('.', 1)[0]}.csv",
        content_type="text/csv",
    )
    return response  # type: ignore[return-value]  # a streaming response, served like any other


@capability_required(Capability.IMPORT_MEMBERS)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    elif kind == "xlsx":
        response = HttpResponse(
            template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="template-peserta.{kind}"'
    return response
