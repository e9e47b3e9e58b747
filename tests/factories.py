"""factory-boy factories bound to the app's session."""
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from shared.changelog import next_order_number
from shared.extensions import db
from shared.models import (
    Customer, Language, Order, OrderLine, OrderStatus, Product, Role, Seller, SellerCategory, User,
)
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
    # English, unlike the model's default (Arabic): tests read error texts in English
    # unless they ask for Arabic (UserFactory(language=Language.ar), Accept-Language: ar).
    language = Language.en


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


class CustomerFactory(BaseFactory):
    class Meta:
        model = Customer

    seller = factory.SubFactory(SellerFactory)
    name = factory.Sequence(lambda n: f"Customer {n}")
    phone = factory.Sequence(lambda n: f"+9639441{n:05d}")
    area = "Idlib"


class OrderFactory(BaseFactory):
    """An order with no lines; use OrderLineFactory (or `with_lines`) and recompute `total`."""

    class Meta:
        model = Order

    seller = factory.SubFactory(SellerFactory)
    customer = factory.SubFactory(CustomerFactory, seller=factory.SelfAttribute("..seller"))
    # From the shop's counter, as the service numbers them, so API orders never collide.
    number = factory.LazyAttribute(lambda order: next_order_number(db.session, order.seller.id))
    currency = "TRY"
    status = OrderStatus.pending
    total = Decimal("0.00")


class OrderLineFactory(BaseFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory, seller=factory.SelfAttribute("..order.seller"))
    product_name = factory.SelfAttribute("product.name")
    unit_price = factory.SelfAttribute("product.price")
    quantity = 1


def order_with_lines(seller, items, *, status=OrderStatus.pending, customer=None, **kwargs) -> Order:
    """An order of `items` [(product, quantity), ...] with its total computed, in one commit."""
    order = OrderFactory.build(seller=seller, status=status,
                               customer=customer or CustomerFactory(seller=seller), **kwargs)
    for position, (product, quantity) in enumerate(items):
        order.lines.append(OrderLine(product=product, product_name=product.name, position=position,
                                     unit_price=product.price, quantity=quantity))
    order.currency = items[0][0].currency if items else order.currency
    order.total = sum((line.line_total for line in order.lines), Decimal("0.00"))
    db.session.add(order)
    db.session.commit()
    return order


# --- market runs (appended: imports kept here so the file above stays untouched) ---------
from datetime import date  # noqa: E402

from shared.models import MarketRun, MarketRunStatus  # noqa: E402


class MarketRunFactory(BaseFactory):
    """A planned run with no orders; link orders with `order.market_run = run`."""

    class Meta:
        model = MarketRun

    seller = factory.SubFactory(SellerFactory)
    run_date = factory.LazyFunction(lambda: date(2025, 5, 16))
    status = MarketRunStatus.planned


# --- Zeina's work: pages, promotion jobs, teams (issue 9) ------------------------------------
from shared.models import (  # noqa: E402
    JobMember, JobStatus, Metric, Platform, ProgressRecord, PromotionJob, SocialPage, Team,
    TeamMember, utcnow,
)


class CoordinatorFactory(UserFactory):
    role = Role.coordinator


class PromoterFactory(UserFactory):
    role = Role.promoter


class ClientShopFactory(SellerFactory):
    """A coordinator's client shop, owned by a seller user (the page owner)."""

    coordinator = factory.SubFactory(CoordinatorFactory)


class PageFactory(BaseFactory):
    class Meta:
        model = SocialPage

    seller = factory.SubFactory(ClientShopFactory)
    platform = Platform.facebook
    url = factory.Sequence(lambda n: f"https://www.facebook.com/page{n}")
    handle = factory.Sequence(lambda n: f"page{n}")
    name = factory.Sequence(lambda n: f"Page {n}")


class TeamFactory(BaseFactory):
    class Meta:
        model = Team

    coordinator = factory.SubFactory(CoordinatorFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    coordinator_share = Decimal("0.00")


class TeamMemberFactory(BaseFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(PromoterFactory)


class JobFactory(BaseFactory):
    """An active job: baseline 1,000, target 1,000, 300.00 TRY, on a page of the
    coordinator's client shop, worked by the coordinator's team."""

    class Meta:
        model = PromotionJob

    page = factory.SubFactory(PageFactory)
    seller = factory.SelfAttribute("page.seller")
    coordinator = factory.SelfAttribute("page.seller.coordinator")
    team = factory.SubFactory(TeamFactory, coordinator=factory.SelfAttribute("..coordinator"))
    title = factory.Sequence(lambda n: f"Job {n}")
    metric = Metric.followers
    baseline_count = 1000
    target_gain = 1000
    price = Decimal("300.00")
    currency = "TRY"
    status = JobStatus.active
    started_at = factory.LazyFunction(utcnow)


def assign(job, *promoters) -> None:
    """Make the promoters members of the job's team and assign them to the job (one commit)."""
    for promoter in promoters:
        db.session.add(TeamMember(team_id=job.team_id, user=promoter))
        job.members.append(JobMember(user=promoter))
    db.session.commit()


def record_count(job, count, at=None, by=None) -> ProgressRecord:
    record = ProgressRecord(job=job, count=count, observed_at=at or utcnow(),
                            recorded_by_id=(by or job.coordinator).id)
    db.session.add(record)
    db.session.commit()
    return record


