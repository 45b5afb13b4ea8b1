"""``kind: arm_push`` and ``kind: arm_rescue``: the bundled runs keep the arm's limits,
capture succeeds and fails where it should, and bad values are refused through the CLI."""

import json

import numpy as np
import pytest

from orbital.kinds import arm_push, arm_rescue
from orbital import errors
from orbital.io import scenario as sc
from orbital.models.arm import joint_rates_rad_s, tip_speeds_m_s
from orbital.kinds.arm_push import contact_delta_v
from orbital.kinds.arm_rescue import AIRLOCK_TOLERANCE_M

BUNDLED = ("arm_push", "arm_rescue", "arm_rescue_too_far")
# REFERENCES.md, "Robotic arm (Canadarm2 / SSRMS)": joint travel +-270 deg, joint rate
# about 4 deg/s, tip speed 0.37 m/s unloaded and 0.15 m/s supporting a spacewalker.
TRAVEL_RAD, RATE_RAD_S = np.radians(270.0), np.radians(4.0)
UNLOADED_M_S, LOADED_M_S = 0.37, 0.15


def run_scenario(name, *overrides):
    scenario = sc.load(name, overrides)
    module = arm_push if scenario.kind == "arm_push" else arm_rescue
    return scenario, module.run(scenario)


@pytest.fixture(scope="module")
def bundled_runs():
    return {name: run_scenario(name) for name in BUNDLED}


def capture_index(result):
    return int(np.searchsorted(result.time_s, result.summary["capture_time_s"]))


@pytest.mark.physics
@pytest.mark.parametrize("name", BUNDLED)
def test_limits_are_never_exceeded(bundled_runs, name):
    scenario, result = bundled_runs[name]
    t = result.time_s
    q = result.trajectories["arm_joints"].data
    tip = result.trajectories["arm_tip"].data[:, :3]
    assert scenario.arm.joint_limit == pytest.approx(TRAVEL_RAD)
    assert np.all(np.abs(q) <= TRAVEL_RAD)
    assert np.max(np.abs(joint_rates_rad_s(t, q))) <= RATE_RAD_S * (1 + 1e-12)
    speeds = tip_speeds_m_s(t, tip)
    assert np.max(speeds) <= UNLOADED_M_S * (1 + 1e-12)
    if result.summary["captured"]:
        assert np.max(speeds[capture_index(result):]) <= LOADED_M_S * (1 + 1e-12)
    # The summary tells the same story as the arrays.
    assert result.summary["max_joint_rate_deg_s"] <= 4.0 * (1 + 1e-12)
    assert result.summary["max_tip_speed_m_s"] == pytest.approx(np.max(speeds), abs=1e-12)


@pytest.mark.parametrize("name", BUNDLED)
def test_recorded_arm_is_consistent(bundled_runs, name):
    scenario, result = bundled_runs[name]
    arm = scenario.arm.build()
    q = result.trajectories["arm_joints"].data
    points = result.trajectories["arm_points"].data
    tip = result.trajectories["arm_tip"].data
    n = result.time_s.size
    assert q.shape == (n, 7) and points.shape == (n, 3 * arm.point_count) and tip.shape == (n, 6)
    for k in (0, n // 2, n - 1):
        assert np.allclose(points[k].reshape(-1, 3), arm.forward(q[k])[0], atol=1e-12)
    assert np.allclose(points[:, -3:], tip[:, :3], atol=0.0)
    assert np.allclose(points[:, :3], scenario.arm.base, atol=0.0)
    assert result.scene["arm_base_lvlh_m"] == list(scenario.arm.base)
    assert result.scene["airlock_lvlh_m"] == list(scenario.arm.airlock)


def test_rescue_captures_gordon_and_brings_him_to_the_airlock(bundled_runs):
    scenario, result = bundled_runs["arm_rescue"]
    summary = result.summary
    assert summary["captured"] is True and summary["reason"] is None
    k = capture_index(result)
    him = result.trajectories["astronaut"].data
    tip = result.trajectories["arm_tip"].data
    # At capture he is within the radius of the tip and slow enough relative to it.
    assert np.linalg.norm(him[k, :3] - tip[k, :3]) <= scenario.rescue.capture_radius
    assert summary["capture_relative_speed_m_s"] <= scenario.rescue.capture_speed
    assert summary["miss_distance_m"] <= scenario.rescue.capture_radius
    # Before capture he drifts away from where he started; after it he moves with the tip.
    assert np.linalg.norm(him[k - 1, :3] - scenario.astronaut.position) > 3.0
    # The grapple holds him where it took him (no jump to the tip): his offset from the tip stays.
    assert np.allclose(him[k + 1:, :3] - tip[k + 1:, :3], him[k, :3] - tip[k, :3], atol=1e-9)
    assert np.allclose(him[k + 1:, 3:], tip[k + 1:, 3:], atol=1e-9)
    assert np.max(np.linalg.norm(np.diff(him[:, :3], axis=0), axis=1)) <= UNLOADED_M_S * 1.0  # 1 s samples
    assert summary["returned_to_airlock"] is True
    assert np.linalg.norm(him[-1, :3] - np.array(scenario.arm.airlock)) <= AIRLOCK_TOLERANCE_M
    assert summary["max_tip_speed_loaded_m_s"] <= LOADED_M_S * (1 + 1e-12)
    kinds = [e.kind for e in result.events]
    assert kinds.index("capture") < kinds.index("at_airlock")
    assert result.scene["capture_radius_m"] == scenario.rescue.capture_radius


def test_rescue_fails_when_he_is_out_of_reach(bundled_runs):
    scenario, result = bundled_runs["arm_rescue_too_far"]
    summary = result.summary
    assert summary["captured"] is False and summary["capture_time_s"] is None
    assert summary["reason"] == "out_of_reach"
    assert summary["returned_to_airlock"] is False
    # He never comes within the arm's reach of its base.
    reach = scenario.arm.build().full_stretch_reach_m()
    him = result.trajectories["astronaut"].data[:, :3]
    assert np.min(np.linalg.norm(him - np.array(scenario.arm.base), axis=1)) > reach
    assert "out_of_reach" in [e.kind for e in result.events]


def test_rescue_fails_when_he_is_too_fast():
    # Same drift as arm_rescue (about 0.12 m/s), but the grapple only takes 0.05 m/s.
    _, result = run_scenario("arm_rescue", "rescue.capture_speed=0.05 m/s", "duration=120 s")
    assert result.summary["captured"] is False
    assert result.summary["reason"] == "too_fast"


def test_push_gives_him_the_momentum_of_the_strike(bundled_runs):
    scenario, result = bundled_runs["arm_push"]
    summary = result.summary
    assert summary["contact"] is True
    k = int(np.searchsorted(result.time_s, summary["contact_time_s"]))
    him = result.trajectories["astronaut"].data
    # Held at rest until struck; then off with (1 + e) times the tip's speed, head on.
    assert np.allclose(him[:k, 3:], 0.0) and np.allclose(him[:k, :3], scenario.astronaut.position)
    expected = (1.0 + scenario.strike.restitution) * UNLOADED_M_S
    assert summary["push_delta_v_m_s"] == pytest.approx(expected, rel=0.02)
    assert np.allclose(him[k, 3:], summary["push_delta_v_lvlh_m_s"], atol=1e-9)
    # The frayed line jerks taut and parts, as in the film; he drifts far away.
    assert summary["tether_broken"] is True
    assert summary["final_separation_m"] > 100.0
    kinds = [e.kind for e in result.events]
    assert {"contact", "release", "push", "tether_taut", "tether_broken"} <= set(kinds)


def test_contact_delta_v_is_a_collision_with_an_immovable_body():
    # Head on, elastic: twice the approach speed; plastic: once.
    assert np.allclose(contact_delta_v([0.3, 0, 0], [0, 0, 0], [1, 0, 0], 1.0), [0.6, 0, 0])
    assert np.allclose(contact_delta_v([0.3, 0, 0], [0, 0, 0], [1, 0, 0], 0.0), [0.3, 0, 0])
    # Oblique: only the normal component is exchanged (no friction).
    assert np.allclose(contact_delta_v([0.3, 0.3, 0], [0, 0, 0], [1, 0, 0], 0.5), [0.45, 0, 0])
    # Already moving away faster than the tip: no push.
    assert np.allclose(contact_delta_v([0.1, 0, 0], [0.5, 0, 0], [1, 0, 0], 0.5), 0.0)


@pytest.mark.parametrize(
    "name, override, fragment",
    [
        ("arm_rescue", "arm.initial_joints=[0, 0, 0]", "arm.initial_joints"),
        ("arm_rescue", "arm.initial_joints=[0, 0, 300, 0, 0, 0, 0]", "arm.initial_joints.2 = 300 deg"),
        ("arm_rescue", "arm.joint_limit=300 deg", "arm.joint_limit"),
        ("arm_rescue", "arm.joint_rate=4 m/s", "arm.joint_rate"),
        ("arm_rescue", "arm.tip_speed_loaded=0.5 m/s", "tip_speed_loaded"),
        ("arm_rescue", "arm.base=[1, 2]", "arm.base"),
        ("arm_rescue", "rescue.capture_radius=-1 m", "rescue.capture_radius"),
        ("arm_rescue", "rescue.grab=yes", "rescue.grab"),
        ("arm_push", "strike.restitution=1.5", "strike.restitution"),
        ("arm_push", "astronaut.velocity=[0, 0, 0]", "astronaut.velocity"),
    ],
)
def test_bad_values_exit_2_naming_the_field(issim, name, override, fragment):
    done = issim("run", name, "--set", override)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert "Traceback" not in done.stderr


def test_bundled_arm_run_from_the_cli(issim, tmp_path):
    done = issim("run", "arm_rescue_too_far", "--json", "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    for key in ("captured", "capture_time_s", "miss_distance_m", "max_joint_rate_deg_s",
                "max_tip_speed_m_s", "returned_to_airlock", "reason"):
        assert key in document["summary"]
    saved = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert saved["scene"]["capture_radius_m"] == 0.5


def straight_path(start, velocity, t):
    return np.hstack([np.asarray(start) + np.outer(t, velocity), np.tile(velocity, (t.size, 1))])


@pytest.mark.parametrize(
    "start, velocity, expected",
    [
        ([5.0, -1.0, 18.0], [0.1, 0.02, 0.06], None),  # slow, through the workspace: planned
        ([5.0, -3.0, 36.0], [0.1, -0.05, 0.1], "out_of_reach"),  # 26 m out and going
        ([14.0, 0.0, 16.0], [0.0, 0.0, -0.3], "too_fast"),  # past the tip at 0.3 m/s
    ],
)
def test_planner_picks_a_reachable_slow_intercept(start, velocity, expected):
    from orbital.kinds.arm_rescue import PLAN_SETTLE_S, PLAN_SPEED_MARGIN, plan_intercept
    from orbital.models.arm_runs import READY_POSE_RAD, ArmSpec

    arm = ArmSpec().build()
    t = np.arange(0.0, 200.0, 1.0)
    path = straight_path(start, velocity, t)
    plan, reason = plan_intercept(arm, np.array(READY_POSE_RAD), t, path, 0, capture_speed_m_s=0.2)
    assert reason == expected
    if expected is None:
        point = path[plan.index, :3]
        assert np.allclose(plan.point_lvlh_m, point) and plan.time_s == t[plan.index]
        # Inside the reach, and the tip can get there at its speed limit in the time left.
        assert np.linalg.norm(point - np.array(arm.base_lvlh_m)) <= arm.full_stretch_reach_m()
        travel = np.linalg.norm(point - arm.tip(np.array(READY_POSE_RAD)))
        assert travel / arm.tip_speed_unloaded_m_s + PLAN_SETTLE_S <= plan.time_s
        assert np.linalg.norm(velocity) <= PLAN_SPEED_MARGIN * 0.2
    else:
        assert plan is None


def test_the_arm_is_commanded_on_its_own_clock_whatever_the_output_step():
    # QA issue 12 item 19: the arm was commanded once per output sample: arm_push with
    # output_step=10 s hit him at 0.057 m/s instead of its 0.37 m/s limit, and arm_rescue
    # with output_step=60 s turned a capture into out_of_reach. The outcome must not depend
    # on the sampling: contact, push and capture the same to the metre per second's last digits.
    _, push_1s = run_scenario("arm_push", "duration=60 s")
    _, push_10s = run_scenario("arm_push", "duration=60 s", "output_step=10 s")
    for key in ("contact_time_s", "push_delta_v_m_s", "miss_distance_m", "max_tip_speed_m_s", "max_joint_rate_deg_s"):
        assert push_10s.summary[key] == pytest.approx(push_1s.summary[key], rel=1e-12), key
    # The strike at the tip's 0.37 m/s limit, restitution 0.5: (1 + e) 0.37 = 0.555 m/s (within 2 %).
    assert push_10s.summary["push_delta_v_m_s"] == pytest.approx(1.5 * UNLOADED_M_S, rel=0.02)
    _, rescue_1s = run_scenario("arm_rescue", "duration=240 s")
    _, rescue_60s = run_scenario("arm_rescue", "duration=240 s", "output_step=60 s")
    for key in ("captured", "capture_time_s", "returned_to_airlock", "at_airlock_time_s", "reason"):
        assert rescue_60s.summary[key] == rescue_1s.summary[key], key
    assert rescue_60s.summary["captured"] is True
    # The samples the coarse run has are those of the fine run (to 1 mm: interpolation of the
    # drift's dense output; after capture the tip's forward kinematics of the same commands).
    fine_at_coarse = np.searchsorted(rescue_1s.time_s, rescue_60s.time_s)
    for name in ("astronaut", "arm_joints"):
        coarse, fine = rescue_60s.trajectories[name].data, rescue_1s.trajectories[name].data[fine_at_coarse]
        assert np.allclose(coarse[:, :3], fine[:, :3], atol=1e-3), name


def test_a_capture_not_brought_to_the_airlock_says_why():
    # QA issue 12 item 19: an airlock the arm cannot bring him to gave captured: true,
    # returned_to_airlock: false, reason: null. A failure always has a reason.
    _, stalled = run_scenario("arm_rescue", "duration=300 s", "arm.airlock=[3 m, 0 m, 29 m]")  # 19 m out: at full stretch
    assert stalled.summary["captured"] is True and stalled.summary["returned_to_airlock"] is False
    assert stalled.summary["reason"] == "airlock_out_of_reach"
    _, short = run_scenario("arm_rescue", "duration=60 s")  # caught at 37 s, at the airlock only at 161 s
    assert short.summary["captured"] is True and short.summary["returned_to_airlock"] is False
    assert short.summary["reason"] == "not_at_airlock"
    assert [e.kind for e in short.events][-1] == "not_at_airlock"
    # An airlock beyond the straight arm's 19.5 m is refused before any run.
    with pytest.raises(errors.ScenarioError, match=r"arm.airlock = \[0, -2, 40\] m: 30.22 m from the arm's base"):
        sc.load("arm_rescue", ["arm.airlock=[0 m, -2 m, 40 m]"])


def test_a_strike_at_the_runs_last_instant_is_reported_not_crashed():
    # Found by hand (QA, issue 12): contact at 11 s in an 11 s run flew a drift of 0 s after it:
    # "t_end_s, output_dt_s and mass_kg must be positive" (an internal error, exit 1).
    _, result = run_scenario("arm_push", "duration=11 s")
    assert result.summary["contact"] is True and result.summary["contact_time_s"] == 11.0
    him = result.trajectories["astronaut"].data
    assert np.allclose(him[-1, 3:], result.summary["push_delta_v_lvlh_m_s"])  # he has just been pushed


def test_his_line_does_nothing_while_the_arm_holds_him():
    # Found by hand (QA, issue 12): after a capture the drift model flew on without him and its
    # line "went taut and broke" at 50.6 s, 14 s after the arm had caught him (tether_broken: true).
    _, result = run_scenario(
        "arm_rescue", "duration=200 s", "tether.clipped=true", "tether.anchor=[5 m, -1 m, 18 m]",
        "tether.length=6 m", "tether.reel_force=0", "tether.breaking_load=20 N",
    )
    capture_s = result.summary["capture_time_s"]
    assert capture_s is not None and result.summary["tether_broken"] is False
    assert not [e for e in result.events if e.kind.startswith("tether") and e.time_s > capture_s]


@pytest.mark.parametrize("offset_m", [0.0, 0.2])
def test_a_crew_member_inside_the_tip_at_the_start_is_refused(offset_m):
    # Found by hand (QA, issue 12): him at the tip's start gave 0/0 (NaN aim, a RuntimeWarning) and
    # a "contact" at 1 s with delta-v 0; 0.2 m from it (inside the 0.3 m contact distance) the tip
    # backed off and "struck" him at 0.1 m/s moving away: delta-v 0.
    from orbital.models.arm_runs import ArmSpec

    tip = ArmSpec().build().tip(np.array(ArmSpec().initial_joints))
    position = f"[{tip[0] + offset_m} m, {tip[1]} m, {tip[2]} m]"
    with pytest.raises(errors.ScenarioError, match=r"m from the arm's tip at the start; expected farther than strike.contact_distance"):
        sc.load("arm_push", [f"astronaut.position={position}", "tether.clipped=false"])


def test_a_short_run_with_safer_off_ignores_its_start_delay():
    # SAFER's start delay is checked against the run only when SAFER flies.
    scenario = sc.load("gordon_tethered", ["duration=1 s", "output_step=0.5 s"])
    assert scenario.safer.enabled is False and scenario.safer.start_delay > scenario.duration
