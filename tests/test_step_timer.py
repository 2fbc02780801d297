"""The optional step timer: fea_core/step_timer.py and fea_core/workshops' start/stop."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from fea_core import step_timer, workshops
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEMS

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_a_three_minute_timer_ends_three_minutes_from_now():
    assert step_timer.start(NOW, 180) == NOW + timedelta(minutes=3)


def test_remaining_counts_whole_seconds_down_to_zero_and_never_below():
    ends = step_timer.start(NOW, 60)
    assert step_timer.remaining(ends, NOW) == 60
    assert step_timer.remaining(ends, NOW + timedelta(seconds=59.2)) == 1  # rounded up: "0" only at the end
    assert step_timer.remaining(ends, NOW + timedelta(seconds=60)) == 0
    assert step_timer.remaining(ends, NOW + timedelta(hours=1)) == 0
    assert step_timer.is_running(ends, NOW) and not step_timer.is_running(ends, NOW + timedelta(seconds=61))


def test_no_timer_has_no_remaining_time():
    assert step_timer.remaining(None, NOW) is None
    assert not step_timer.is_running(None, NOW)


def test_a_naive_database_time_is_read_as_utc():
    ends = datetime(2026, 12, 2, 10, 1)  # as SQLite gives it back
    assert step_timer.remaining(ends, NOW) == 60


@pytest.mark.parametrize("seconds", [0, 5, -60, 3601, 10**9, math.nan, math.inf, "180", None, True, [180]])
def test_a_timer_length_outside_the_limits_or_not_a_number_is_refused(seconds):
    with pytest.raises(ValueError):
        step_timer.check_seconds(seconds)


def test_starting_the_timer_saves_it_and_tells_the_phones(fresh_store, workshop):
    started = workshops.start_timer(fresh_store, workshop.id, 180, now=NOW)
    assert started.timer_ends_at == NOW + timedelta(minutes=3)
    assert started.timer_seconds == 180
    assert started.stage == workshop.stage + 1  # phones rerun and show it


def test_stopping_the_timer_clears_it_and_tells_the_phones(fresh_store, workshop):
    started = workshops.start_timer(fresh_store, workshop.id, 60, now=NOW)
    stopped = workshops.stop_timer(fresh_store, workshop.id)
    assert stopped.timer_ends_at is None and stopped.timer_seconds is None
    assert stopped.stage == started.stage + 1


def test_a_step_change_clears_the_timer(fresh_store, workshop):
    workshops.set_activity(fresh_store, workshop.id, ACTIVITY_COMPETENCE)
    workshops.start_timer(fresh_store, workshop.id, 120)
    moved = workshops.set_activity(fresh_store, workshop.id, ACTIVITY_PROBLEMS)
    assert moved.timer_ends_at is None and moved.timer_seconds is None


def test_a_refused_length_leaves_the_saved_timer_as_it_was(fresh_store, workshop):
    workshops.start_timer(fresh_store, workshop.id, 120, now=NOW)
    with pytest.raises(ValueError):
        workshops.start_timer(fresh_store, workshop.id, 0)
    assert workshops.get_workshop(fresh_store, workshop.id).timer_ends_at == NOW + timedelta(minutes=2)
