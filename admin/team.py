"""The team (/admin/team): a coordinator's members, the contributions waiting for her
review, and the payouts she still has to pay; a promoter's assigned jobs, her own
contributions (she records new ones) and her payouts.

Who sees and changes what is decided by shared.services (teams, contributions, payouts,
promotions), with the API's schemas. Every form is a plain POST and a redirect (boosted
by htmx when JavaScript runs).
"""
import marshmallow as ma
from flask import current_app, redirect, request, url_for
from flask_login import current_user

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import render
from admin.views import bp
from shared.dates import local_today
from shared.errors import Conflict, Invalid
from shared.extensions import db
from shared.models import (
    ContributionKind, JobStatus, Language, PaymentMethod, PayoutStatus, ReviewStatus, Role,
)
from shared.schemas.contributions import ContributionCreate, ContributionUpdate
from shared.schemas.payouts import PayoutUpdate
from shared.schemas.teams import AccountCreate
from shared.services import contributions, payouts, promotions, teams

create_schema, review_schema, payout_schema = ContributionCreate(), ContributionUpdate(), PayoutUpdate()
account_schema = AccountCreate()
SHOWN = 30  # rows of each list on the page


@bp.view("/team", "team")
class TeamPage(View):
    def get(self):
        return _page(saved=request.args.get("saved"))


@bp.view("/team/contributions", "contribution_new")
class NewContribution(View):
    def post(self):
        """A contribution to one of the person's jobs (a promoter's own; a coordinator's for a member)."""
        user = current_user._get_current_object()
        try:
            data = parse(create_schema)
            contributions.create_contribution(db.session, user, data)
        except (ma.ValidationError, Invalid) as error:
            return _page(code=422, errors=field_errors(error), typed=request.form)
        return redirect(url_for(".team", saved="contribution"), 303)


@bp.view("/team/contributions/<contribution_id>/review", "contribution_review")
class ReviewContribution(View):
    def post(self, contribution_id):
        """Approve, or reject with a reason (the coordinator)."""
        user = current_user._get_current_object()
        contribution = contributions.get_contribution(db.session, user, contribution_id, for_update=True)
        check_version(contribution)
        changes = {"status": request.form.get("status", "")}
        if request.form.get("rejection_reason") is not None:
            changes["rejection_reason"] = request.form["rejection_reason"]
        try:
            contributions.update_contribution(db.session, user, contribution, parse(review_schema, changes))
        except (ma.ValidationError, Invalid) as error:
            return _page(code=422, review_errors={contribution.id: field_errors(error)})
        return redirect(url_for(".team", saved="review"), 303)


@bp.view("/team/payouts/<payout_id>/paid", "payout_paid")
class PayoutPaid(View):
    def post(self, payout_id):
        """Mark a member's payout paid today, in cash or by transfer (the coordinator)."""
        user = current_user._get_current_object()
        payout = payouts.get_payout(db.session, user, payout_id, for_update=True)
        check_version(payout)
        try:
            changes = parse(payout_schema, {"status": PayoutStatus.paid.value,
                                            "method": request.form.get("method", "cash")})
            payouts.update_payout(db.session, user, payout, changes,
                                  today=local_today(current_app.config["TIMEZONE"]))
        except (ma.ValidationError, Invalid) as error:
            return _page(code=422, payout_errors={payout.id: field_errors(error)})
        return redirect(url_for(".team", saved="paid"), 303)


@bp.view("/team/<team_id>/accounts", "team_account_new")
class NewPromoterAccount(View):
    def post(self, team_id):
        """A promoter's account, made a member of the team. Its first password is shown
        this once, on the page this answers (never in an address), to tell her."""
        user = current_user._get_current_object()
        team = teams.get_team(db.session, user, team_id, for_update=True)
        try:
            data = parse(account_schema)
            account = teams.create_promoter_account(db.session, user, team, data,
                                                    phone_region=current_app.config["DEFAULT_PHONE_REGION"])
        except (ma.ValidationError, Invalid) as error:
            return _page(code=422, account_errors={team.id: field_errors(error)}, account_typed=request.form)
        except Conflict as error:  # the email or phone is an account's already
            return _page(code=409, account_errors={team.id: {"_form": [str(error.detail)]}},
                         account_typed=request.form)
        return _page(code=201, new_account=account)


def _page(*, code: int = 200, errors=None, typed=None, saved=None, review_errors=None, payout_errors=None,
          account_errors=None, account_typed=None, new_account=None):
    user = current_user._get_current_object()
    reviews = user.role in (Role.coordinator, Role.admin)
    my_teams = teams.list_teams(db.session, user, q=None, limit=SHOWN, cursor=None)
    jobs = promotions.list_jobs(db.session, user, promotions.JobFilter(status=JobStatus.active),
                                limit=SHOWN, cursor=None)
    found = contributions.list_contributions(
        db.session, user, contributions.ContributionFilter(status=ReviewStatus.pending if reviews else None),
        limit=SHOWN, cursor=None)
    owed = payouts.list_payouts(db.session, user,
                                payouts.PayoutFilter(status=PayoutStatus.pending if reviews else None),
                                limit=SHOWN, cursor=None)
    job_choices = [(job.id, job.title or job.page.name or job.page.handle) for job in jobs.items]
    member_choices = list({member.user_id: (member.user_id, member.user.name or member.user.email)
                           for team in my_teams.items for member in team.members}.values())
    return render(
        "admin/team.html", job_choices=job_choices, member_choices=member_choices, code=code, reviews=reviews, teams=my_teams.items, jobs=jobs.items,
        contributions=found.items, payouts=owed.items, kinds=list(ContributionKind),
        methods=[m for m in PaymentMethod if m != PaymentMethod.credit], errors=errors or {},
        typed=typed or {}, saved=saved, review_errors=review_errors or {}, payout_errors=payout_errors or {},
        myself=user, can_record=user.role in (Role.promoter, Role.coordinator, Role.admin),
        account_errors=account_errors or {}, account_typed=account_typed or {"language": Language.ar.value},
        new_account=new_account, languages=list(Language), coordinated={t.id for t in my_teams.items
                                                                         if teams.coordinates(user, t)},
    )
