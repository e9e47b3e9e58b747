"""Calendar days as people mean them (their local time zone), as UTC instants for queries."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def day_start_utc(day: date, tz_name: str) -> datetime:
    """The first instant of `day` in the zone, in UTC."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name)).astimezone(timezone.utc)


def day_range_utc(start: date | None, end: date | None, tz_name: str) -> tuple[datetime | None, datetime | None]:
    """[start 00:00, day after end 00:00) in UTC; either end may be open (None)."""
    lower = day_start_utc(start, tz_name) if start else None
    upper = day_start_utc(end + timedelta(days=1), tz_name) if end else None
    return lower, upper


def local_today(tz_name: str, now: datetime | None = None) -> date:
    """Today's date where the people are (the zone `tz_name`)."""
    return (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(tz_name)).date()


def week_of(day: date, first_weekday: int) -> tuple[date, date]:
    """The first and last day of the week holding `day`; `first_weekday` as date.weekday()
    counts (Monday 0 … Saturday 5, where Syria's week starts)."""
    start = day - timedelta(days=(day.weekday() - first_weekday) % 7)
    return start, start + timedelta(days=6)


def local_day(moment: datetime, tz_name: str) -> date:
    """The calendar day `moment` falls on in the zone."""
    return moment.astimezone(ZoneInfo(tz_name)).date()
