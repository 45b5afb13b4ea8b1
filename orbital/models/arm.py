"""Kinematics of a 7-joint Canadarm2-like arm: forward kinematics, Jacobian, inverse kinematics, rate limits.

Geometry (REFERENCES.md, a public URDF after Nguyen & Hughes 1994): shoulder roll,
yaw, pitch; elbow pitch; wrist pitch, yaw, roll. In the arm's base frame the arm
stands straight along +z at zero joint angles; every segment then lies along z,
except the elbow's 0.475 m offset along the pitch axes (y), which lets the lower
boom fold beside the upper one. Joint axes in their own frames: roll z, yaw x,
pitch y. The base frame sits at a point of the station and is turned into LVLH
(x radial out, y along-track, z orbit normal; the station holds an LVLH
attitude) by a fixed rotation. Positions in m, angles in rad, times in s.

Inverse kinematics places the tip (position only; the arm's redundancy is left
to the damped least squares) and clamps every joint to its travel. Not adopted:
roboticstoolbox-python 1.5.0 (tried 2026-11-25) installs on 3.11 but on the
Python 3.10 path its dependency pgraph-python 1.0.0 requires numpy>=2, which
replaces numpy 1.26 and breaks astropy 5.3 (numpy<2); it also adds ~250 MB
(rtb-data 147 MB of meshes, robot_descriptions, pre-commit, virtualenv) and
takes ~5 s to import, for a serial chain that takes the few lines below.
"""

import math
from dataclasses import dataclass

import numpy as np

#: Axis of each joint in its own frame: 0 = x (yaw), 1 = y (pitch), 2 = z (roll).
JOINT_AXES = (2, 0, 1, 1, 1, 0, 2)
#: Canadarm2 segment lengths, m (REFERENCES.md): base -> shoulder roll -> yaw -> pitch,
#: upper boom, lower boom, wrist pitch -> yaw -> roll -> tip.
SEGMENT_LENGTHS_M = (1.3589, 0.7026, 0.5692, 7.11, 7.11, 0.5692, 0.7026, 1.3589)
#: Lateral offset of the lower boom at the elbow, m, along the pitch axes.
ELBOW_OFFSET_M = 0.475
#: Joint travel (REFERENCES.md: +-270 deg).
JOINT_LIMIT_RAD = math.radians(270.0)
#: Joint rate (REFERENCES.md, soft: about 4 deg/s).
JOINT_RATE_RAD_S = math.radians(4.0)
#: Tip speed unloaded and while supporting a spacewalker, m/s (REFERENCES.md).
TIP_SPEED_UNLOADED_M_S = 0.37
TIP_SPEED_LOADED_M_S = 0.15


def canadarm2_offsets():
    """Translations (8, 3), m, from the base to joint 1, joint i to joint i+1, and joint 7 to the tip.

    Each is written in the frame of the point it starts from (after that joint's rotation).
    """
    offsets = np.zeros((8, 3))
    offsets[:, 2] = SEGMENT_LENGTHS_M
    offsets[3, 1] = ELBOW_OFFSET_M  # shoulder pitch -> elbow: the upper boom and the lateral offset
    return offsets


def rotation_about_axis(axis, angle_rad):
    """Rotation matrix (3, 3) by ``angle_rad`` about the x (0), y (1) or z (2) axis."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    i, j = (axis + 1) % 3, (axis + 2) % 3
    r = np.eye(3)
    r[i, i], r[i, j], r[j, i], r[j, j] = c, -s, s, c
    return r


def base_rotation_matrix(roll_pitch_yaw_rad):
    """Base frame -> LVLH: ``Rz(yaw) @ Ry(pitch) @ Rx(roll)`` (rad)."""
    roll, pitch, yaw = roll_pitch_yaw_rad
    return rotation_about_axis(2, yaw) @ rotation_about_axis(1, pitch) @ rotation_about_axis(0, roll)


@dataclass(frozen=True)
class Arm:
    """The arm on the station: geometry, where its base is (LVLH, m) and how it is turned, its limits."""

    base_lvlh_m: np.ndarray = (0.0, 0.0, 0.0)
    base_rotation: np.ndarray = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    joint_limit_rad: float = JOINT_LIMIT_RAD
    joint_rate_rad_s: float = JOINT_RATE_RAD_S
    tip_speed_unloaded_m_s: float = TIP_SPEED_UNLOADED_M_S
    tip_speed_loaded_m_s: float = TIP_SPEED_LOADED_M_S

    def __post_init__(self):
        object.__setattr__(self, "base_lvlh_m", np.asarray(self.base_lvlh_m, dtype=float))
        object.__setattr__(self, "base_rotation", np.asarray(self.base_rotation, dtype=float))
        object.__setattr__(self, "offsets", canadarm2_offsets())

    @property
    def point_count(self):
        """Kinematic points along the arm: base, the 7 joint origins, tip."""
        return len(JOINT_AXES) + 2

    def clamp(self, q_rad):
        """Joint angles held inside their travel."""
        return np.clip(q_rad, -self.joint_limit_rad, self.joint_limit_rad)

    def forward(self, q_rad):
        """Points (9, 3) LVLH m (base, joint origins, tip) and joint axes (7, 3) LVLH unit vectors."""
        rot = self.base_rotation.copy()
        points = np.empty((self.point_count, 3))
        axes = np.empty((len(JOINT_AXES), 3))
        points[0] = self.base_lvlh_m
        for k, axis in enumerate(JOINT_AXES):
            points[k + 1] = points[k] + rot @ self.offsets[k]
            axes[k] = rot[:, axis]
            # rot @ rotation_about_axis(axis, q): only the two columns across the axis turn.
            c, s = math.cos(q_rad[k]), math.sin(q_rad[k])
            i, j = (axis + 1) % 3, (axis + 2) % 3
            col_i, col_j = rot[:, i].copy(), rot[:, j]
            rot[:, i] = c * col_i + s * col_j
            rot[:, j] = c * col_j - s * col_i
        points[-1] = points[-2] + rot @ self.offsets[-1]
        return points, axes

    def tip(self, q_rad):
        """Tip position (3,), LVLH m."""
        return self.forward(q_rad)[0][-1]

    def jacobian(self, q_rad):
        """Geometric Jacobian (6, 7): tip linear velocity (m/s) over joint rates, then angular (rad/s)."""
        points, axes = self.forward(q_rad)
        return np.vstack([_position_jacobian(points, axes), axes.T])

    def full_stretch_reach_m(self):
        """Base-to-tip distance with the arm straight (all joints at zero), m."""
        return float(np.linalg.norm(self.offsets.sum(axis=0)))


def _position_jacobian(points, axes):
    """Tip linear velocity per joint rate (3, 7): axis_i x (tip - joint_i)."""
    return np.cross(axes, points[-1] - points[1:-1]).T


def damped_least_squares(jacobian, error, damping):
    """Joint step ``J^T (J J^T + damping^2 I)^-1 error`` (rad) for a task error (m)."""
    jjt = jacobian @ jacobian.T
    return jacobian.T @ np.linalg.solve(jjt + damping**2 * np.eye(jjt.shape[0]), error)


@dataclass(frozen=True)
class IKResult:
    """An inverse kinematics answer: joint angles (7,) rad, whether the tip reached the target
    within the tolerance, the distance left (m) and the iterations used."""

    q_rad: np.ndarray
    converged: bool
    residual_m: float
    iterations: int


#: Starting damping of the least squares, m (J's singular values are ~1 to 20 m/rad),
#: and its bounds; a step that closes less than IK_STALL_M means the target is out of reach.
IK_DAMPING_M = 0.3
IK_MIN_DAMPING_M = 0.01
IK_MAX_DAMPING_M = 1.0e4
IK_STALL_M = 1.0e-7
#: Longest tip correction asked of one IK iteration, m (keeps the linearization honest).
IK_MAX_STEP_M = 2.0


def solve_ik(arm, target_lvlh_m, q_start_rad, tolerance_m=1e-4, max_iterations=150, restarts=5, seed=0):
    """Joint angles that put the tip on ``target_lvlh_m``, by damped least squares from ``q_start_rad``.

    Every iterate is clamped to the joint travel. If the tip does not get within
    ``tolerance_m``, up to ``restarts`` more tries start from random poses (seeded);
    the best try is returned, with ``converged`` False and its ``residual_m``: an
    unreachable target leaves the arm pointing at it, residual = how far short.
    """
    target = np.asarray(target_lvlh_m, dtype=float)
    rng = np.random.default_rng(seed)
    best = None
    start = arm.clamp(np.asarray(q_start_rad, dtype=float))
    for attempt in range(restarts + 1):
        result = _dls_descent(arm, target, start, tolerance_m, max_iterations)
        if best is None or result.residual_m < best.residual_m:
            best = result
        if best.converged:
            break
        start = rng.uniform(-np.pi, np.pi, len(JOINT_AXES))
    return best


def _dls_descent(arm, target, q, tolerance_m, max_iterations):
    """Levenberg-Marquardt style: a step is kept only if it brings the tip closer,
    else it is retried with four times the damping; the damping halves after a
    kept step. Stops at the tolerance, or when the tip stops getting closer (the
    target is out of reach: the arm then points at it)."""
    points, axes = arm.forward(q)
    residual = float(np.linalg.norm(target - points[-1]))
    damping = IK_DAMPING_M
    for iteration in range(max_iterations):
        if residual < tolerance_m:
            return IKResult(q, True, residual, iteration)
        error = target - points[-1]
        if residual > IK_MAX_STEP_M:
            error *= IK_MAX_STEP_M / residual
        q_try = arm.clamp(q + damped_least_squares(_position_jacobian(points, axes), error, damping))
        points_try, axes_try = arm.forward(q_try)
        residual_try = float(np.linalg.norm(target - points_try[-1]))
        if residual_try < residual:
            gain = residual - residual_try
            q, points, axes, residual = q_try, points_try, axes_try, residual_try
            damping = max(0.5 * damping, IK_MIN_DAMPING_M)
            if gain < IK_STALL_M and residual >= tolerance_m:
                break
        else:
            damping *= 4.0
            if damping > IK_MAX_DAMPING_M:
                break
    return IKResult(q, residual < tolerance_m, residual, iteration + 1)


def limit_joint_step(dq_rad, max_rate_rad_s, dt_s):
    """Scale a joint step (rad) so that no joint turns faster than ``max_rate_rad_s``."""
    largest = float(np.max(np.abs(dq_rad)))
    allowed = max_rate_rad_s * dt_s
    return dq_rad * (allowed / largest) if largest > allowed else dq_rad


#: Damping of the resolved-rate steps, m.
RATE_DAMPING_M = 0.3


def step_tip_towards(arm, q_rad, target_lvlh_m, dt_s, max_tip_speed_m_s):
    """One control step of ``dt_s``: joint angles that move the tip towards the target.

    Resolved-rate control: the wanted tip step points at the target, at most
    ``max_tip_speed_m_s * dt_s`` long; damped least squares turns it into a joint
    step, which is scaled to the joint rate limit and clamped to the joint travel.
    The tip's actual displacement (forward kinematics) is then checked and the
    step shrunk until it is within the tip speed limit too, so both limits hold
    exactly, not only to first order.
    """
    points, axes = arm.forward(q_rad)
    tip = points[-1]
    error = np.asarray(target_lvlh_m, dtype=float) - tip
    distance = float(np.linalg.norm(error))
    max_move = max_tip_speed_m_s * dt_s
    if distance > max_move:
        error *= max_move / distance
    dq = damped_least_squares(_position_jacobian(points, axes), error, RATE_DAMPING_M)
    dq = limit_joint_step(dq, arm.joint_rate_rad_s, dt_s)
    for _ in range(30):
        q_new = arm.clamp(q_rad + dq)
        moved = float(np.linalg.norm(arm.tip(q_new) - tip))
        if moved <= max_move:
            return q_new
        dq *= 0.99 * max_move / moved
    return np.asarray(q_rad, dtype=float)


def joint_rates_rad_s(t_s, q_rad):
    """Joint rates (N-1, 7) rad/s between samples of a joint history (N, 7)."""
    return np.diff(q_rad, axis=0) / np.diff(t_s)[:, None]


def tip_speeds_m_s(t_s, tip_m):
    """Tip speeds (N-1,) m/s between samples of a tip path (N, 3)."""
    return np.linalg.norm(np.diff(tip_m, axis=0), axis=1) / np.diff(t_s)
