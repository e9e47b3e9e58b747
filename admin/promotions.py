"""Promotion jobs (/admin/promotions): the jobs a person may see, with their progress, and
each job's page: its figures, its progress chart (SVG drawn here), recording a count,
assigning members, starting, completing or cancelling it.

Through shared.services.promotions (and promotion_status's allowed moves) with the API's
schemas (shared/schemas/promotions.py). A count recorded with htmx redraws the job's
part of the page in place; without JavaScript the form posts and redirects.
"""
import marshmallow as ma
from flask import current_app, redirect, request, url_for
from flask_login import current_user

from admin.charts import progress_chart
from admin.conventions import View, check_version, field_errors, parse
from admin.formatting import label
from admin.rendering import is_htmx, list_block, render
from admin.views import bp
from shared.errors import Conflict, Invalid, Stale
from shared.extensions import db
from shared.models import JobStatus, Metric, Role, Split
from shared.money import CURRENCIES
from shared.schemas.promotions import (
    DEFAULT_DISCLOSURE, MembersAdd, ProgressCreate, PromotionCreate, PromotionQuery, PromotionUpdate,
)
from shared.services import pages, payouts, promotions, teams
from shared.services.promotion_status import ALLOWED, BILLED, RECORDING

query_schema, progress_schema, create_schema = PromotionQuery(), ProgressCreate(), PromotionCreate()
PAGES_IN_A_MENU = 100
update_schema, members_schema = PromotionUpdate(), MembersAdd()


def _tz() -> str:
    return current_app.config["TIMEZONE"]


@bp.view("/promotions", "promotions")
class Promotions(View):
    def get(self):
        """Newest first, each with its progress bar; `q` (titles, pages) and `status` narrow them."""
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return _list(None, code=422, errors=field_errors(error))
        filters = promotions.JobFilter(status=query["status"], seller_id=query["seller_id"],
                                       page_id=query["page_id"], team_id=query["team_id"], q=query["q"])
        page = promotions.list_jobs(db.session, current_user, filters, limit=query["limit"],
                                    cursor=query["cursor"])
        return _list(page, block=list_block())


def _list(page, *, block: str = "main", code: int = 200, errors=None):
    return render("admin/promotions.html", block=block, code=code, page=page, errors=errors or {},
                  filters=request.args, statuses=list(JobStatus),
                  can_start=current_user.role in (Role.coordinator, Role.admin))


@bp.view("/promotions/new", "promotion_new")
class NewPromotion(View):
    def get(self):
        return _new_form({"page_id": request.args.get("page_id", ""), "metric": Metric.followers.value,
                          "currency": "TRY", "disclosure": DEFAULT_DISCLOSURE, "split": Split.equal.value})

    def post(self):
        """A draft job on a page of a client shop, paid in money (or, with no price, in kind)."""
        try:
            data = parse(create_schema, _terms(request.form))
            job = promotions.create_job(db.session, current_user, data, tz_name=_tz())
        except (ma.ValidationError, Invalid) as error:
            return _new_form(request.form, errors=field_errors(error), code=422)
        return redirect(url_for(".promotion", job_id=job.id), 303)


def _terms(form) -> dict:
    """The form as PromotionCreate reads it: an in-kind reward is its own object."""
    typed = form.to_dict()
    description = typed.pop("reward_description", "").strip()
    if description and not typed.get("price", "").strip():
        typed["reward"] = {"description": description}
    return typed


def _new_form(typed, *, errors=None, code: int = 200):
    found = pages.list_pages(db.session, current_user, pages.PageFilter(), limit=PAGES_IN_A_MENU, cursor=None)
    return render("admin/promotion_new.html", code=code, typed=typed, errors=errors or {},
                  page_choices=[(page.id, f"{page.name or page.handle} · {label('platform', page.platform)}")
                                for page in found.items],
                  metrics=list(Metric), splits=list(Split), currencies=[(c, c) for c in CURRENCIES])


@bp.view("/promotions/<job_id>", "promotion")
class PromotionPage(View):
    def get(self, job_id):
        job = promotions.get_job(db.session, current_user, job_id, tz_name=_tz())
        return _page(job, saved=request.args.get("saved"))


@bp.view("/promotions/<job_id>/progress", "promotion_progress")
class PromotionProgress(View):
    def post(self, job_id):
        """A count seen on the page (Arabic-Indic digits are fine): the bar, the earnings
        and the chart follow it."""
        user = current_user._get_current_object()
        job = promotions.load_job(db.session, user, job_id, for_update=True)
        try:
            data = parse(progress_schema)
            promotions.add_progress(db.session, user, job, count=data["count"],
                                    observed_at=data["observed_at"], evidence_url=data["evidence_url"],
                                    note=data["note"])
        except (ma.ValidationError, Invalid) as error:
            shown = promotions.get_job(db.session, user, job_id, tz_name=_tz())
            return _page(shown, code=422, errors=field_errors(error), typed=request.form)
        return _done(job, "count")


@bp.view("/promotions/<job_id>/status", "promotion_status")
class PromotionStatusChange(View):
    def post(self, job_id):
        """Start, complete or cancel the job (the moves allowed from its status are shown);
        ending it freezes its figures. A change made since the page was opened is refused."""
        user = current_user._get_current_object()
        job = promotions.load_job(db.session, user, job_id, for_update=True)
        check_version(job)
        try:
            changes = parse(update_schema, {"status": request.form.get("status", "")})
        except ma.ValidationError as error:
            shown = promotions.get_job(db.session, user, job_id, tz_name=_tz())
            return _page(shown, code=422, errors=field_errors(error))
        promotions.update_job(db.session, user, job, changes, tz_name=_tz())
        return _done(job, "status")


@bp.view("/promotions/<job_id>/members", "promotion_members")
class PromotionMembers(View):
    def post(self, job_id):
        """Assign the members ticked (of the job's team)."""
        user = current_user._get_current_object()
        job = promotions.load_job(db.session, user, job_id, for_update=True)
        check_version(job)
        try:
            data = members_schema.load({"user_ids": request.form.getlist("user_ids")})
            promotions.add_members(db.session, user, job, data["user_ids"], tz_name=_tz())
        except (ma.ValidationError, Invalid) as error:
            shown = promotions.get_job(db.session, user, job_id, tz_name=_tz())
            return _page(shown, code=422, errors=field_errors(error))
        return _done(job, "members")


@bp.view("/promotions/<job_id>/payouts", "promotion_payout")
class PromotionPayout(View):
    def post(self, job_id):
        """Pay out what the job earned since its last payout: the coordinator's share kept,
        the rest split among the members (payouts to mark paid on the team page)."""
        user = current_user._get_current_object()
        job = promotions.load_job(db.session, user, job_id)
        check_version(job)
        try:
            payouts.create_payout_set(db.session, user, job.id)
        except Conflict as error:  # nothing new earned, nobody to pay...: said on the job's page
            if isinstance(error, Stale):
                raise
            shown = promotions.get_job(db.session, user, job_id, tz_name=_tz())
            return _page(shown, code=409, problem=error.detail)
        return _done(job, "payout")


@bp.view("/promotions/<job_id>/members/<user_id>/remove", "promotion_member_remove")
class PromotionMemberRemove(View):
    def post(self, job_id, user_id):
        user = current_user._get_current_object()
        job = promotions.load_job(db.session, user, job_id, for_update=True)
        check_version(job)
        promotions.remove_member(db.session, user, job, user_id)
        return _done(job, "members")


def _done(job, saved: str):
    """After a change: htmx gets the job's part of the page redrawn; a plain form a redirect."""
    if is_htmx():
        return _page(promotions.refreshed(db.session, job, _tz()), saved=saved)
    return redirect(url_for(".promotion", job_id=job.id, saved=saved), 303)


def _page(job, *, code: int = 200, errors=None, typed=None, saved=None, problem=None):
    user = current_user._get_current_object()
    can_change = promotions.coordinates(user, job.row)
    team_members = []
    if can_change and job.team is not None and job.status not in (JobStatus.completed, JobStatus.cancelled):
        assigned = {member.user_id for member in job.members}
        team = teams.get_team(db.session, user, job.team_id)  # its members and their names, at once
        team_members = [member.user for member in team.members if member.user_id not in assigned]
    return render(
        "admin/promotion.html", block="job", code=code, job=job, figures=job.figures,
        chart=progress_chart(job.figures.series, job.baseline_count, job.baseline_count + job.target_gain),
        can_change=can_change, recording=job.status in RECORDING, refused=problem,
        can_pay_out=can_change and job.price is not None and job.status in BILLED,
        next_statuses=ALLOWED[job.status] if can_change else (), team_members=team_members,
        errors=errors or {}, typed=typed or {}, saved=saved,
    )
