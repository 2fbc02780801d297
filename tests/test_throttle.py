"""Tests of fea_core.throttle: a sliding-window limit per key, bounded in memory, safe across threads."""

from __future__ import annotations

import threading

import pytest

from fea_core.errors import TooManyAttempts
from fea_core.throttle import Limits, Throttle


def test_events_up_to_the_limit_are_allowed_and_the_next_is_not():
    throttle = Throttle(3, 60)
    assert [throttle.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]


def test_a_key_under_its_limit_need_not_wait():
    throttle = Throttle(3, 60)
    throttle.allow("a", now=0)
    throttle.allow("a", now=1)
    assert throttle.retry_after("a", now=2) == 0.0
    assert throttle.retry_after("never-seen", now=2) == 0.0


def test_retry_after_counts_down_to_when_the_oldest_event_leaves_the_window():
    throttle = Throttle(2, 60)
    throttle.allow("a", now=10)
    throttle.allow("a", now=20)
    assert throttle.retry_after("a", now=30) == pytest.approx(40)
    assert throttle.retry_after("a", now=69) == pytest.approx(1)
    assert throttle.retry_after("a", now=70) == 0.0


def test_the_window_slides_so_an_old_event_frees_one_place():
    throttle = Throttle(2, 60)
    throttle.allow("a", now=0)
    throttle.allow("a", now=30)
    assert not throttle.allow("a", now=59)
    assert throttle.allow("a", now=60)  # the event at 0 has left the window
    assert not throttle.allow("a", now=61)  # the events at 30 and 60 are still in it


def test_a_refused_event_is_not_counted():
    throttle = Throttle(1, 60)
    throttle.allow("a", now=0)
    for t in range(1, 60):
        assert not throttle.allow("a", now=t)
    assert throttle.allow("a", now=60)


def test_keys_are_counted_separately():
    throttle = Throttle(1, 60)
    assert throttle.allow("a", now=0)
    assert throttle.allow("b", now=0)
    assert not throttle.allow("a", now=1)
    assert throttle.retry_after("b", now=1) == pytest.approx(59)


def test_memory_stays_bounded_however_many_keys_are_invented():
    throttle = Throttle(5, 60, max_keys=100)
    for i in range(10_000):
        throttle.allow(f"guess-{i}", now=i / 1000)
    assert len(throttle) <= 100


def test_keys_whose_events_expired_are_forgotten_first():
    throttle = Throttle(1, 60, max_keys=2)
    throttle.allow("old", now=0)
    throttle.allow("busy", now=50)
    throttle.allow("new", now=70)  # "old" left its window: it goes, "busy" stays
    assert len(throttle) == 2
    assert throttle.retry_after("busy", now=70) == pytest.approx(40)


def test_many_threads_together_get_exactly_the_limit():
    throttle = Throttle(50, 60)
    allowed = []
    barrier = threading.Barrier(8)

    def hammer():
        barrier.wait()
        allowed.extend(ok for ok in (throttle.allow("shared", now=1.0) for _ in range(100)) if ok)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 50


@pytest.mark.parametrize("args", [(0, 60), (5, 0), (5, -1)])
def test_a_throttle_without_room_or_window_is_refused(args):
    with pytest.raises(ValueError):
        Throttle(*args)


def test_limits_wait_for_the_strictest_throttle_and_count_a_failure_against_each():
    per_session, per_process = Throttle(2, 60), Throttle(3, 60)
    mine = Limits([(per_session, "me"), (per_process, "all")])
    other = Limits([(Throttle(2, 60), "you"), (per_process, "all")])
    mine.record_failure(now=0)
    mine.record_failure(now=10)
    assert mine.wait(now=20) == pytest.approx(40)  # my session is full
    assert other.wait(now=20) == 0.0  # the process is not, yet
    other.record_failure(now=20)
    assert other.wait(now=21) == pytest.approx(39)  # now the process is full for everyone


def test_limits_check_raises_too_many_attempts_with_whole_seconds():
    limits = Limits([(Throttle(1, 60), "me")])
    limits.check(now=0)  # nothing yet: no error
    limits.record_failure(now=0)
    with pytest.raises(TooManyAttempts) as raised:
        limits.check(now=0.5)
    assert raised.value.params == {"seconds": 60}
    assert raised.value.code == "too_many_attempts"
