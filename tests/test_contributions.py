"""Contributions: a member records what she did; the coordinator approves or rejects with a reason."""
import pytest

from shared.extensions import db
from shared.models import Contribution, ContributionKind, JobStatus, ReviewStatus
from tests.factories import JobFactory, PromoterFactory, assign

URL = "/api/v1/contributions"


@pytest.fixture
def job():
    return JobFactory()


@pytest.fixture
def huda(job):
    huda = PromoterFactory(name="هدى")
    assign(job, huda)
    return huda


def record(client, auth, who, job, **extra):
    return client.post(URL, json={"job_id": job.id, "kind": "followers", "quantity": "١٢٠", **extra},
                       headers=auth(who))


def test_a_member_records_her_own_pending_contribution(client, auth, job, huda):
    response = record(client, auth, huda, job, note="دعوت صديقاتي", evidence_url="https://example.com/s/1.jpg")

    assert response.status_code == 201
    body = response.json
    assert (body["user_id"], body["team_id"], body["quantity"], body["status"]) == (huda.id, job.team_id, 120,
                                                                                    "pending")


def test_a_member_cannot_record_for_another(client, auth, job, huda):
    salma = PromoterFactory()
    assign(job, salma)

    response = record(client, auth, huda, job, user_id=salma.id)

    assert response.status_code == 403


def test_the_coordinator_records_for_a_member_she_names(client, auth, job, huda):
    unnamed = record(client, auth, job.coordinator, job)
    named = record(client, auth, job.coordinator, job, user_id=huda.id)
    outsider = record(client, auth, job.coordinator, job, user_id=PromoterFactory().id)

    assert (unnamed.status_code, named.status_code, outsider.status_code) == (422, 201, 422)


def test_a_draft_job_takes_no_contributions(client, auth, huda):
    job = JobFactory(status=JobStatus.draft)
    assign(job, huda)

    assert record(client, auth, huda, job).status_code == 409


def test_a_zero_quantity_is_422(client, auth, job, huda):
    assert record(client, auth, huda, job, quantity=0).status_code == 422


def test_the_coordinator_approves(client, auth, job, huda):
    made = record(client, auth, huda, job).json

    response = client.patch(f"{URL}/{made['id']}", json={"status": "approved"}, headers=auth(job.coordinator))

    assert response.status_code == 200
    assert (response.json["status"], response.json["reviewed_by_id"]) == ("approved", job.coordinator_id)


def test_a_rejection_needs_a_reason(client, auth, job, huda):
    made = record(client, auth, huda, job).json
    url, headers = f"{URL}/{made['id']}", auth(job.coordinator)

    bare = client.patch(url, json={"status": "rejected"}, headers=headers)
    reasoned = client.patch(url, json={"status": "rejected", "rejection_reason": "الصورة لصفحة أخرى"},
                            headers=headers)

    assert bare.status_code == 422
    assert (reasoned.status_code, reasoned.json["rejection_reason"]) == (200, "الصورة لصفحة أخرى")


def test_a_member_cannot_review_nor_edit_once_reviewed(client, auth, job, huda):
    made = record(client, auth, huda, job).json
    url = f"{URL}/{made['id']}"

    self_approved = client.patch(url, json={"status": "approved"}, headers=auth(huda))
    edited = client.patch(url, json={"quantity": 200}, headers=auth(huda))
    client.patch(url, json={"status": "approved"}, headers=auth(job.coordinator))
    late = client.patch(url, json={"quantity": 900}, headers=auth(huda))
    deleted = client.delete(url, headers=auth(huda))

    assert (self_approved.status_code, edited.status_code, late.status_code, deleted.status_code) == (
        403, 200, 403, 403)
    db.session.expire_all()
    assert db.session.get(Contribution, made["id"]).quantity == 200


def test_a_member_sees_only_her_own(client, auth, job, huda):
    salma = PromoterFactory()
    assign(job, salma)
    mine = record(client, auth, huda, job).json
    theirs = record(client, auth, salma, job).json

    listed = client.get(URL, headers=auth(huda))
    other = client.get(f"{URL}/{theirs['id']}", headers=auth(huda))

    assert [c["id"] for c in listed.json] == [mine["id"]]
    assert other.status_code == 404


def test_the_coordinator_lists_by_job_and_status(client, auth, job, huda):
    db.session.add(Contribution(job_id=job.id, team_id=job.team_id, user_id=huda.id, kind=ContributionKind.posts,
                                quantity=3, status=ReviewStatus.approved))
    db.session.commit()
    pending = record(client, auth, huda, job).json

    response = client.get(f"{URL}?job_id={job.id}&status=pending", headers=auth(job.coordinator))

    assert [c["id"] for c in response.json] == [pending["id"]]
