"""bench/scale_model.py multiplies measured costs into processes and database settings."""

import dataclasses

from bench.scale_model import MEASURED, Costs, plan

# Fixed costs (those measured when the model was written): the tests check the model's logic,
# which must not change its verdicts whenever a new measurement moves MEASURED.
COSTS = Costs(answer_ms=2.2, poll_ms=3.0, step_ms=1.2, screen_ms_per_s=7.2, lock_ms=2.0)


def test_the_measured_costs_are_all_given_and_positive():
    assert set(MEASURED) == {"answer_ms", "poll_ms", "step_ms", "screen_ms_per_s", "lock_ms"}
    assert all(value > 0 for value in MEASURED.values())
    assert plan(1000, 1, Costs(**MEASURED)).processes >= 1


def test_more_phones_never_need_fewer_processes():
    sizes = [plan(phones, 1, COSTS).processes for phones in (100, 1000, 5000, 20000)]
    assert sizes == sorted(sizes)
    assert sizes[0] < sizes[-1]


def test_one_room_is_limited_by_its_burst_and_many_rooms_by_steady_answers():
    one_room = plan(5000, 1, COSTS)
    many_rooms = plan(5000, 20, COSTS)
    assert one_room.by_step > one_room.by_answers
    assert many_rooms.processes < one_room.processes
    assert "steady answers" in many_rooms.bottleneck


def test_a_slow_commit_makes_the_workshop_row_the_first_bottleneck():
    slow_disk = dataclasses.replace(COSTS, lock_ms=5.0)
    assert plan(5000, 1, slow_disk).lock_use >= 1.0
    assert "lock" in plan(5000, 1, slow_disk).bottleneck
    assert plan(5000, 20, slow_disk).lock_use < 0.2  # rooms lock different rows


def test_connections_fit_the_processes_pools_and_a_reserve():
    p = plan(1000, 1, COSTS)
    assert p.max_connections == p.processes * COSTS.pool_per_process + 13
