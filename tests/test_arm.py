"""The arm's kinematics (orbital/models/arm.py): geometry, Jacobian, inverse kinematics, rate limits."""

import numpy as np
import pytest

from orbital.models.arm import (
    JOINT_LIMIT_RAD,
    Arm,
    base_rotation_matrix,
    limit_joint_step,
    solve_ik,
    step_tip_towards,
)

# REFERENCES.md, "Robotic arm (Canadarm2 / SSRMS)": segment lengths of the public URDF
# after Nguyen & Hughes (1994), m, and the elbow's lateral offset.
URDF_SEGMENTS_M = [1.3589, 0.7026, 0.5692, 7.11, 7.11, 0.5692, 0.7026, 1.3589]
ELBOW_OFFSET_M = 0.475
BASE = np.array([3.0, 0.0, 10.0])
READY = np.radians([0.0, 0.0, 30.0, -120.0, 90.0, 0.0, 0.0])


@pytest.fixture(scope="module")
def arm():
    return Arm(base_lvlh_m=BASE, base_rotation=base_rotation_matrix((0.2, np.pi / 2, -0.4)))


def random_poses(count, seed, limit=np.pi):
    return np.random.default_rng(seed).uniform(-limit, limit, (count, 7))


@pytest.mark.physics
def test_full_stretch_reach_is_the_summed_geometry(arm):
    # REFERENCES.md (Canadarm2 URDF): every segment in line, the elbow offset across them.
    expected = np.hypot(sum(URDF_SEGMENTS_M), ELBOW_OFFSET_M)
    points, _ = arm.forward(np.zeros(7))
    assert np.linalg.norm(points[-1] - points[0]) == pytest.approx(expected, abs=1e-9)
    assert np.allclose(points[0], BASE, atol=0.0)


@pytest.mark.physics
def test_segment_lengths_hold_in_any_pose(arm):
    expected = np.array(URDF_SEGMENTS_M)
    expected[3] = np.hypot(7.11, ELBOW_OFFSET_M)  # the upper boom carries the elbow offset
    for q in random_poses(20, seed=1):
        points, axes = arm.forward(q)
        assert np.allclose(np.linalg.norm(np.diff(points, axis=0), axis=1), expected, atol=1e-12)
        assert np.allclose(np.linalg.norm(axes, axis=1), 1.0, atol=1e-12)


def test_base_rotation_stands_the_arm_up():
    # Pitch 90 deg turns the base frame's +z (the straight arm) into LVLH +x (radially out).
    upright = Arm(base_lvlh_m=BASE, base_rotation=base_rotation_matrix((0.0, np.pi / 2, 0.0)))
    direction = upright.tip(np.zeros(7)) - BASE
    assert direction[0] == pytest.approx(sum(URDF_SEGMENTS_M), abs=1e-9)
    assert abs(direction[2]) < 1e-9


def test_jacobian_matches_finite_differences(arm):
    for q in random_poses(5, seed=2):
        jacobian = arm.jacobian(q)
        eps = 1e-6
        numeric = np.array([(arm.tip(q + eps * e) - arm.tip(q - eps * e)) / (2 * eps) for e in np.eye(7)]).T
        assert np.allclose(jacobian[:3], numeric, atol=1e-6)
        # Angular part: each joint turns the tip frame about its own axis, unit vectors.
        assert np.allclose(np.linalg.norm(jacobian[3:], axis=0), 1.0)


@pytest.mark.physics
def test_ik_hits_reachable_targets_to_millimetres(arm):
    for q_true in random_poses(40, seed=3):
        target = arm.tip(q_true)
        result = solve_ik(arm, target, READY)
        assert result.converged, result
        assert np.linalg.norm(arm.tip(result.q_rad) - target) < 1e-3
        assert result.residual_m == pytest.approx(np.linalg.norm(arm.tip(result.q_rad) - target), abs=1e-12)


@pytest.mark.physics
def test_ik_reports_unreachable_targets(arm):
    # No pose puts the tip farther from the base than the sum of the segments (triangle inequality).
    longest = sum(URDF_SEGMENTS_M) - 7.11 + np.hypot(7.11, ELBOW_OFFSET_M)
    for direction in ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.3, -0.5, 0.8]):
        target = BASE + 25.0 * np.array(direction) / np.linalg.norm(direction)
        result = solve_ik(arm, target, READY, restarts=1)
        assert not result.converged
        assert result.residual_m >= 25.0 - longest - 1e-9
        assert np.linalg.norm(arm.tip(result.q_rad) - target) == pytest.approx(result.residual_m, abs=1e-12)


def test_ik_respects_joint_travel():
    stiff = Arm(base_lvlh_m=BASE, joint_limit_rad=np.radians(40.0))
    outside = np.radians([90.0, -60.0, 10.0, -100.0, 45.0, 0.0, 200.0])
    for q_true in random_poses(10, seed=4, limit=np.radians(80.0)):
        result = solve_ik(stiff, stiff.tip(q_true), outside, restarts=1)
        assert np.all(np.abs(result.q_rad) <= np.radians(40.0) + 1e-15)
    # A target that needs the arm folded beyond its travel: reported, not reached.
    folded = stiff.tip(np.radians([0.0, 0.0, 0.0, 170.0, 0.0, 0.0, 0.0]))
    result = solve_ik(stiff, folded, np.zeros(7))
    assert not result.converged and result.residual_m > 1.0


def test_limit_joint_step_scales_uniformly():
    dq = np.array([0.1, -0.4, 0.0, 0.2, 0.0, 0.0, 0.05])
    limited = limit_joint_step(dq, max_rate_rad_s=0.1, dt_s=2.0)
    # The fastest joint (0.4 rad asked) is held to 0.1 rad/s * 2 s; all scale alike (same direction).
    assert np.allclose(limited, 0.5 * dq, atol=1e-15)
    assert np.array_equal(limit_joint_step(dq, 1.0, 1.0), dq)


def test_rate_limited_steps_never_exceed_the_limits(arm):
    rng = np.random.default_rng(5)
    q = READY.copy()
    for dt, speed in [(1.0, 0.37), (0.5, 0.15), (2.0, 0.37)] * 10:
        target = BASE + rng.uniform(-15.0, 15.0, 3)
        q_new = step_tip_towards(arm, q, target, dt, speed)
        assert np.linalg.norm(arm.tip(q_new) - arm.tip(q)) <= speed * dt
        assert np.max(np.abs(q_new - q)) <= arm.joint_rate_rad_s * dt * (1 + 1e-12)
        assert np.all(np.abs(q_new) <= JOINT_LIMIT_RAD)
        q = q_new


def test_rate_limited_steps_reach_a_target(arm):
    target = arm.tip(READY) + np.array([2.0, -3.0, 1.5])
    q = READY.copy()
    for _ in range(60):
        q = step_tip_towards(arm, q, target, 1.0, 0.37)
    assert np.linalg.norm(arm.tip(q) - target) < 1e-3
