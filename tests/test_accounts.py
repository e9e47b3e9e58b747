"""Accounts an admin manages (shared.services.accounts): only admins, and what each change ends."""
from datetime import timedelta

import pytest

from shared.errors import Conflict, Forbidden, Invalid
from shared.extensions import db
from shared.models import Role
from shared.services import accounts
from tests.factories import UserFactory


@pytest.mark.parametrize("role", [Role.coordinator, Role.seller, Role.promoter])
def test_only_admins_manage_accounts(role):
    actor, other = UserFactory(role=role), UserFactory()

    with pytest.raises(Forbidden):
        accounts.list_users(db.session, actor, accounts.UserFilter(), limit=10, cursor=None)
    with pytest.raises(Forbidden):
        accounts.get_user(db.session, actor, other.id)
    with pytest.raises(Forbidden):
        accounts.add_user(db.session, actor, {"email": "x@example.com", "password": "long enough",
                                              "role": Role.admin}, phone_region="SY")
    with pytest.raises(Forbidden):
        accounts.set_active(db.session, actor, other, False)


def test_an_account_made_with_a_phone_keeps_it_in_e164_and_refuses_a_second():
    admin = UserFactory(role=Role.admin)

    made = accounts.add_user(db.session, admin, {"phone": "٠٩٤٤ ١١١ ٥٥٥", "password": "long enough",
                                                 "role": Role.promoter}, phone_region="SY")

    assert made.phone == "+963944111555" and made.email is None
    with pytest.raises(Conflict):
        accounts.add_user(db.session, admin, {"phone": "0944111555", "password": "long enough",
                                              "role": Role.promoter}, phone_region="SY")


def test_a_reset_password_must_be_long_enough():
    admin, user = UserFactory(role=Role.admin), UserFactory()

    with pytest.raises(Invalid):
        accounts.reset_password(db.session, admin, user, "short")


def test_a_reactivated_account_does_not_get_its_old_tokens_back():
    admin, user = UserFactory(role=Role.admin), UserFactory()
    plain, _ = accounts.issue_token(db.session, user, timedelta(days=1))

    accounts.set_active(db.session, admin, user, False)
    accounts.set_active(db.session, admin, user, True)
    db.session.commit()

    assert user.active
    assert accounts.user_for_token(db.session, plain) is None
