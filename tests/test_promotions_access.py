"""Who sees and changes what in Zeina's work, for every path: the role x endpoint table.

A job is its coordinator's (and admins'); the promoters assigned to it and the page's
owner read it; a write by one who may read is 403, by one who cannot see it 404; another
coordinator sees nothing. Team rows (members, contributions, payouts, contests) are the
team's: its coordinator changes them, members read their own.
"""
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from shared.extensions import db
from shared.models import (
    Change, ClientPayment, Contest, ContestEntry, Contribution, ContributionKind, JobMember, JobStatus,
    PaymentMethod, Role, TeamMember, utcnow,
)
from shared.services import payouts
from tests.factories import (
    ClientShopFactory, CoordinatorFactory, JobFactory, PageFactory, PromoterFactory, SellerFactory,
    TeamFactory, UserFactory, record_count,
)

ROLES = ("admin", "coord", "other_coord", "owner", "assigned", "member", "stranger")
PREFIXES = ("/api/v1/pages", "/api/v1/promotions", "/api/v1/teams", "/api/v1/contributions",
            "/api/v1/payout-sets", "/api/v1/payouts", "/api/v1/client-payments", "/api/v1/contests",
            "/api/v1/sellers/{seller_id}/statement")


@dataclass
class Scene:
    users: dict
    ids: dict


def _scene() -> Scene:
    """Zeina's client shop (owned by `owner`) with a page, an active job on it (worked by
    `assigned`, with counts, a contribution, a payout, a contest entry), a draft job, her
    team (with `member`, not on the job), a spare page and a spare team."""
    zeina = CoordinatorFactory()
    shop = ClientShopFactory(coordinator=zeina)
    team = TeamFactory(coordinator=zeina)
    assigned, member, outsider = PromoterFactory(), PromoterFactory(), PromoterFactory()
    page = PageFactory(seller=shop)
    job = JobFactory(page=page, coordinator=zeina, team=team)
    draft = JobFactory(page=page, coordinator=zeina, team=team, status=JobStatus.draft)
    db.session.add_all([TeamMember(team=team, user=assigned), TeamMember(team=team, user=member),
                        JobMember(job=job, user=assigned), JobMember(job=draft, user=assigned)])
    record_count(job, 1200)
    payout_set = payouts.create_payout_set(db.session, zeina, job.id)  # covers 60.00
    record = record_count(job, 1500)
    contribution = Contribution(job_id=job.id, team_id=team.id, user_id=assigned.id,
                                kind=ContributionKind.followers, quantity=50)
    payment = ClientPayment(seller_id=shop.id, amount=Decimal("50.00"), currency="TRY",
                            paid_on=utcnow().date(), method=PaymentMethod.cash)
    contest = Contest(team_id=team.id, shop_name="x", title="t", prize_description="p",
                      starts_at=utcnow(), ends_at=utcnow())
    entry = ContestEntry(contest=contest, user_id=assigned.id)
    spare_team = TeamFactory(coordinator=zeina)
    db.session.add_all([contribution, payment, contest, entry, TeamMember(team=spare_team, user=member)])
    spare_page = PageFactory(seller=shop)
    db.session.commit()
    users = {"admin": UserFactory(role=Role.admin), "coord": zeina, "other_coord": CoordinatorFactory(),
             "owner": shop.owner, "assigned": assigned, "member": member, "stranger": SellerFactory().owner}
    ids = {"shop": shop.id, "page": page.id, "spare_page": spare_page.id, "job": job.id, "draft": draft.id,
           "record": record.id, "team": team.id, "spare_team": spare_team.id, "assigned": assigned.id,
           "member": member.id, "outsider": outsider.id, "zeina": zeina.id, "contribution": contribution.id,
           "set": payout_set.id, "payout": payout_set.payouts[0].id, "payment": payment.id,
           "contest": contest.id, "entry": entry.id}
    return Scene(users, ids)


def _job_body(s):
    return {"page_id": s["page"], "baseline_count": 10, "target_gain": 100, "price": "30", "currency": "TRY"}


def _contest_body(s):
    return {"team_id": s["team"], "shop_name": "x", "title": "t", "prize_description": "p",
            "starts_at": "2026-11-20T09:00:00Z", "ends_at": "2026-11-27T09:00:00Z"}


# (method, path, url, body, expected per role in ROLES order). A list's "Y"/"N": 200, and the
# scene's row (`listed`) is in it or not.
TABLE = [
    ("GET", "/api/v1/pages", "/api/v1/pages", None, "Y Y N Y Y N N", "page"),
    ("POST", "/api/v1/pages", "/api/v1/pages",
     lambda s: {"seller_id": s["shop"], "platform": "telegram", "url": "t.me/new_page"},
     "201 201 404 201 404 404 404", None),
    ("GET", "/api/v1/pages/{page_id}", "/api/v1/pages/{page}", None, "200 200 404 200 200 404 404", None),
    ("PATCH", "/api/v1/pages/{page_id}", "/api/v1/pages/{page}", {"name": "x"},
     "200 200 404 200 403 404 404", None),
    ("DELETE", "/api/v1/pages/{page_id}", "/api/v1/pages/{spare_page}", None,
     "204 204 404 204 404 404 404", None),
    ("GET", "/api/v1/promotions", "/api/v1/promotions", None, "Y Y N Y Y N N", "job"),
    ("POST", "/api/v1/promotions", "/api/v1/promotions", _job_body, "201 201 404 403 403 404 404", None),
    ("GET", "/api/v1/promotions/{job_id}", "/api/v1/promotions/{job}", None,
     "200 200 404 200 200 404 404", None),
    ("PATCH", "/api/v1/promotions/{job_id}", "/api/v1/promotions/{job}", {"notes": "x"},
     "200 200 404 403 403 404 404", None),
    ("DELETE", "/api/v1/promotions/{job_id}", "/api/v1/promotions/{draft}", None,
     "204 204 404 403 403 404 404", None),
    ("GET", "/api/v1/promotions/{job_id}/progress", "/api/v1/promotions/{job}/progress", None,
     "200 200 404 200 200 404 404", None),
    ("POST", "/api/v1/promotions/{job_id}/progress", "/api/v1/promotions/{job}/progress", {"count": 1600},
     "201 201 404 403 403 404 404", None),
    ("DELETE", "/api/v1/promotions/{job_id}/progress/{record_id}", "/api/v1/promotions/{job}/progress/{record}",
     None, "204 204 404 403 403 404 404", None),
    ("POST", "/api/v1/promotions/{job_id}/members", "/api/v1/promotions/{job}/members",
     lambda s: {"user_ids": [s["member"]]}, "200 200 404 403 403 404 404", None),
    ("DELETE", "/api/v1/promotions/{job_id}/members/{user_id}", "/api/v1/promotions/{job}/members/{assigned}",
     None, "204 204 404 403 403 404 404", None),
    ("GET", "/api/v1/teams", "/api/v1/teams", None, "Y Y N N Y Y N", "team"),
    ("POST", "/api/v1/teams", "/api/v1/teams", lambda s: {"name": "x", "coordinator_id": s["zeina"]},
     "201 201 201 403 403 403 403", None),
    ("GET", "/api/v1/teams/{team_id}", "/api/v1/teams/{team}", None, "200 200 404 404 200 200 404", None),
    ("PATCH", "/api/v1/teams/{team_id}", "/api/v1/teams/{team}", {"name": "x"},
     "200 200 404 404 403 403 404", None),
    ("DELETE", "/api/v1/teams/{team_id}", "/api/v1/teams/{spare_team}", None,
     "204 204 404 404 404 403 404", None),
    ("POST", "/api/v1/teams/{team_id}/members", "/api/v1/teams/{team}/members",
     lambda s: {"user_id": s["outsider"]}, "201 201 404 404 403 403 404", None),
    ("DELETE", "/api/v1/teams/{team_id}/members/{user_id}", "/api/v1/teams/{team}/members/{member}", None,
     "204 204 404 404 403 403 404", None),
    ("POST", "/api/v1/teams/{team_id}/accounts", "/api/v1/teams/{team}/accounts",
     {"name": "رهف", "email": "rahaf@example.com"}, "201 201 404 404 403 403 404", None),
    ("GET", "/api/v1/contributions", "/api/v1/contributions", None, "Y Y N N Y N N", "contribution"),
    ("POST", "/api/v1/contributions", "/api/v1/contributions",
     lambda s: {"job_id": s["job"], "user_id": s["assigned"], "kind": "shares", "quantity": 5},
     "201 201 404 403 201 404 404", None),
    ("GET", "/api/v1/contributions/{contribution_id}", "/api/v1/contributions/{contribution}", None,
     "200 200 404 404 200 404 404", None),
    ("PATCH", "/api/v1/contributions/{contribution_id}", "/api/v1/contributions/{contribution}",
     {"status": "approved"}, "200 200 404 404 403 404 404", None),
    ("DELETE", "/api/v1/contributions/{contribution_id}", "/api/v1/contributions/{contribution}", None,
     "204 204 404 404 204 404 404", None),
    ("GET", "/api/v1/payout-sets", "/api/v1/payout-sets", None, "Y Y N N N N N", "set"),
    ("POST", "/api/v1/payout-sets", "/api/v1/payout-sets", lambda s: {"job_id": s["job"]},
     "201 201 404 403 403 404 404", None),
    ("GET", "/api/v1/payout-sets/{set_id}", "/api/v1/payout-sets/{set}", None,
     "200 200 404 404 404 404 404", None),
    ("GET", "/api/v1/payouts", "/api/v1/payouts", None, "Y Y N N Y N N", "payout"),
    ("GET", "/api/v1/payouts/{payout_id}", "/api/v1/payouts/{payout}", None,
     "200 200 404 404 200 404 404", None),
    ("PATCH", "/api/v1/payouts/{payout_id}", "/api/v1/payouts/{payout}", {"status": "paid"},
     "200 200 404 404 403 404 404", None),
    ("GET", "/api/v1/client-payments", "/api/v1/client-payments", None, "Y Y N Y N N N", "payment"),
    ("POST", "/api/v1/client-payments", "/api/v1/client-payments",
     lambda s: {"seller_id": s["shop"], "amount": "5", "currency": "TRY"}, "201 201 404 403 404 404 404", None),
    ("GET", "/api/v1/client-payments/{payment_id}", "/api/v1/client-payments/{payment}", None,
     "200 200 404 200 404 404 404", None),
    ("DELETE", "/api/v1/client-payments/{payment_id}", "/api/v1/client-payments/{payment}", None,
     "204 204 404 403 404 404 404", None),
    ("GET", "/api/v1/sellers/{seller_id}/statement", "/api/v1/sellers/{shop}/statement", None,
     "200 200 404 200 404 404 404", None),
    ("GET", "/api/v1/contests", "/api/v1/contests", None, "Y Y N N Y Y N", "contest"),
    ("POST", "/api/v1/contests", "/api/v1/contests", _contest_body, "201 201 404 404 403 403 404", None),
    ("GET", "/api/v1/contests/{contest_id}", "/api/v1/contests/{contest}", None,
     "200 200 404 404 200 200 404", None),
    ("PATCH", "/api/v1/contests/{contest_id}", "/api/v1/contests/{contest}", {"title": "x"},
     "200 200 404 404 403 403 404", None),
    ("DELETE", "/api/v1/contests/{contest_id}", "/api/v1/contests/{contest}", None,
     "204 204 404 404 403 403 404", None),
    ("POST", "/api/v1/contests/{contest_id}/entries", "/api/v1/contests/{contest}/entries",
     lambda s: {"user_id": s["member"]}, "201 201 404 404 403 201 404", None),
    ("PATCH", "/api/v1/contests/{contest_id}/entries/{entry_id}", "/api/v1/contests/{contest}/entries/{entry}",
     {"result": "lost"}, "200 200 404 404 403 403 404", None),
    ("DELETE", "/api/v1/contests/{contest_id}/entries/{entry_id}", "/api/v1/contests/{contest}/entries/{entry}",
     None, "204 204 404 404 204 403 404", None),
]
CASES = [(row, role, expected) for row in TABLE for role, expected in zip(ROLES, row[4].split())]


def test_the_table_covers_every_new_operation():
    spec = yaml.safe_load((Path(__file__).parent.parent / "openapi.yaml").read_text())
    documented = {(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item if method in ("get", "post", "patch", "put", "delete")
                  and path.startswith(PREFIXES)}
    assert documented == {(row[0], row[1]) for row in TABLE}


def _last_change() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Change.id), 0)))


@pytest.mark.parametrize("row, role, expected", CASES,
                         ids=[f"{row[0]} {row[2]} as {role}" for row, role, _ in CASES])
def test_who_sees_and_changes_what(client, auth, row, role, expected):
    method, _path, url, body, _codes, listed = row
    scene = _scene()
    if callable(body):
        body = body(scene.ids)
    headers = auth(scene.users[role])
    before = _last_change()

    response = client.open(url.format(**scene.ids), method=method, json=body, headers=headers)

    if expected in ("Y", "N"):
        assert response.status_code == 200, response.get_json()
        shown = {item["id"] for item in response.json}
        assert (scene.ids[listed] in shown) == (expected == "Y")
        return
    assert response.status_code == int(expected), response.get_json()
    if response.status_code >= 400:
        assert response.content_type == "application/problem+json"
        assert _last_change() == before, "a refused request wrote something"
