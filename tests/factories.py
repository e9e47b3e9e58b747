"""factory-boy factories bound to the app's session."""
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from shared.extensions import db
from shared.models import Product, Role, Seller, SellerCategory, User
from shared.services.accounts import hash_password

PASSWORD = "secret-password"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow on purpose: do it once


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password_hash = _PASSWORD_HASH
    role = Role.seller


class SellerFactory(BaseFactory):
    class Meta:
        model = Seller

    name = factory.Sequence(lambda n: f"Shop {n}")
    category = SellerCategory.cosmetics
    area = "Idlib"
    owner = factory.SubFactory(UserFactory, role=Role.seller)


class ProductFactory(BaseFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    description = ""
    price = Decimal("100.00")
    currency = "TRY"
