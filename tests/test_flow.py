"""The workshop's flow is declared once (fea_core/flow.py) and agrees with the method."""

from fea_core import flow
from fea_core.method import load_method
from fea_core.model import ACTIVITIES, ITEM_KINDS


def test_every_activity_is_declared_once_in_workshop_order():
    assert flow.keys() == ACTIVITIES


def test_problemloeserens_six_steps_are_trin_1_to_6_in_order():
    trin = [a.trin for a in flow.FLOW if a.trin is not None]
    assert trin == [1, 2, 3, 4, 5, 6]
    assert {s.number for s in load_method("da").steps} == set(trin)


def test_every_item_kind_is_sent_in_exactly_one_step():
    for kind in ITEM_KINDS:
        assert sum(kind in a.sends for a in flow.FLOW) == 1, kind


def test_problems_and_things_to_keep_are_sent_together_and_ideas_alone():
    assert flow.sent_together("keep") == ("problem", "keep")
    assert flow.sent_together("idea") == ("idea",)


def test_each_placed_kind_has_its_matrix_in_the_method():
    method = load_method("da")
    placed = [a.places for a in flow.FLOW if a.places]
    assert placed == ["problem", "idea"]
    assert [method.matrix_for(kind) for kind in placed] == [method.problem_matrix, method.solution_matrix]
    assert flow.placed_during("keep") is None


def test_neighbours_stop_at_both_ends():
    assert flow.neighbour("welcome", -1) is None
    assert flow.neighbour("welcome", 1) == "talk"
    assert flow.neighbour("implement", 1) is None
    assert flow.neighbour("implement", -1) == "concretise"


def test_every_step_has_a_room_view_and_a_place_for_its_tools():
    from ui.control_panel import STEP_TOOLS
    from ui.room_views import ROOM_VIEWS

    assert set(ROOM_VIEWS) == set(flow.keys())
    assert set(STEP_TOOLS) == set(flow.keys())
