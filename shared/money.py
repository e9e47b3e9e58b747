"""Money: which currencies, the one rounding rule, pro-rata amounts and exact splits.

Amounts are Decimal, never float, always beside an ISO 4217 code, and never summed
across currencies. Every amount the product computes is rounded here, half-up to the
cent (as receipts are), so no two places can round differently.
"""
from decimal import ROUND_HALF_UP, Decimal

CURRENCIES = ("TRY", "USD", "SYP", "EUR")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# The largest amount anywhere (a price, a payment, a total): ten billion less a cent.
# Far above any home shop's order even in Syrian pounds, and safely inside the BIGINT
# of cents that stores it.
MAX_AMOUNT = Decimal("9999999999.99")
# Exchange rates are typed by people ("34" lira to the dollar) and kept exactly, to six
# decimal places, below a million (a euro in Syrian pounds is in the tens of thousands).
RATE_PLACES = 6
RATE_UNIT = Decimal("0.000001")
MAX_RATE = Decimal("1000000")


def to_cents(amount: Decimal) -> Decimal:
    """The amount rounded to cents, half-up: 0.125 -> 0.13, -0.125 -> -0.13."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def convert(amount: Decimal, currency: str, to_currency: str, rate: Decimal, rate_per: str) -> Decimal:
    """`amount` in `currency` expressed in `to_currency`, at a rate a person typed, to the cent.

    `rate` is how many units of one of the two currencies a single unit of the other,
    `rate_per`, is worth: 34 per USD means 1 USD = 34 TRY. So 1,700 TRY at 34 per USD is
    50.00 USD, and 50 USD at 34 per USD is 1,700.00 TRY. Rounded once, half-up.

    :raise ValueError: `rate` is not positive, or `rate_per` is neither currency.
    """
    if rate <= 0:
        raise ValueError("a rate must be positive")
    if rate_per == currency:
        return to_cents(Decimal(amount) * Decimal(rate))
    if rate_per == to_currency:
        return to_cents(Decimal(amount) / Decimal(rate))
    raise ValueError(f"rate_per must be {currency} or {to_currency}")


def prorate(amount: Decimal, part: int | Decimal, whole: int | Decimal) -> Decimal:
    """`amount` x part / whole, rounded once at the end: 300 x 500 / 1000 = 150.00.

    :raise ValueError: `whole` is not positive.
    """
    if whole <= 0:
        raise ValueError("prorate needs a positive whole")
    return to_cents(Decimal(amount) * Decimal(part) / Decimal(whole))


def allocate(amount: Decimal, weights: list[int | Decimal]) -> list[Decimal]:
    """Split `amount` in proportion to `weights`, to the cent, summing exactly to `amount`.

    Largest remainder: each share is first rounded down to the cent; the cents left over
    go one each to the shares with the largest remainders (ties to the earliest). So
    100.00 over [1, 1, 1] is [33.34, 33.33, 33.33].

    :raise ValueError: no weights, a negative weight, or all weights zero.
    """
    if not weights or any(w < 0 for w in weights) or not any(weights):
        raise ValueError("allocate needs non-negative weights, at least one positive")
    total_cents = int(to_cents(Decimal(amount)) / CENT)
    whole = sum(Decimal(w) for w in weights)
    exact = [Decimal(total_cents) * Decimal(w) / whole for w in weights]
    cents = [int(share // 1) for share in exact]
    left = total_cents - sum(cents)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - cents[i]), i))
    for i in by_remainder[:left]:
        cents[i] += 1
    return [Decimal(c) * CENT for c in cents]
