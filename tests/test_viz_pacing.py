"""Story pacing: the play slows near events and speeds through coasts; --pace linear keeps one speed."""

import numpy as np
import pytest

from viz.export import frame_times
from viz.pacing import StoryClock
from viz.player import Player


def test_a_short_event_in_a_long_coast_gets_seconds_of_play():
    clock = StoryClock(0.0, 10_000.0, [6000.0])  # a burn of seconds in nearly three hours
    share = clock.progress(6300.0) - clock.progress(5700.0)  # 6 % of the time ...
    assert share > 0.45  # ... gets nearly half of the play: 4.5 s of a 10 s video
    assert clock.progress(0.0) == 0.0 and clock.progress(10_000.0) == pytest.approx(1.0)
    assert np.all(np.diff(clock.time(np.linspace(0.0, 1.0, 500))) > 0.0)  # time never stands still or runs back


def test_every_beat_gets_the_same_share_and_close_events_are_one_beat():
    clock = StoryClock(0.0, 10_000.0, [2000.0, 2010.0, 8000.0])  # the first two are one beat
    first = clock.progress(2300.0) - clock.progress(1700.0)
    second = clock.progress(8300.0) - clock.progress(7700.0)
    assert first == pytest.approx(second, rel=0.05)


def test_linear_pace_is_todays_uniform_clock():
    clock = StoryClock(100.0, 1100.0, [600.0], pace="linear")
    assert clock.linear and clock.progress(350.0) == 0.25 and clock.time(0.75) == 850.0
    assert np.array_equal(frame_times(0.0, 10.0, 2, 3.0, clock=StoryClock(0.0, 10.0, pace="linear")), np.linspace(0.0, 10.0, 6))
    with pytest.raises(ValueError, match="expected one of story, linear"):
        StoryClock(0.0, 1.0, pace="fast")


def test_exported_frames_crowd_round_the_events_and_the_player_slows_there():
    clock = StoryClock(0.0, 10_000.0, [6000.0])
    times = frame_times(0.0, 10_000.0, 30, 10.0, clock)
    near = np.count_nonzero(np.abs(times - 6000.0) < 300.0)
    assert near > 0.3 * len(times)  # linear would give 6 %
    player = Player(0.0, 10_000.0, warp=1000.0, clock=clock)
    coast = player.effective_warp
    player.seek(6000.0)
    assert player.effective_warp < coast / 5.0
    before = player.t_s
    player.advance(0.1)
    assert 0.0 < player.t_s - before < 0.1 * coast / 5.0


def test_the_moment_itself_slows_to_minutes_a_frame_even_in_a_window_of_months():
    day = 86400.0
    clock = StoryClock(0.0, 300 * day, [0.0, 150 * day, 300 * day])  # a reentry window: opens, reentry, closes
    times = frame_times(0.0, 300 * day, 30, 10.0, clock)
    steps = np.diff(times)[np.abs(times[1:] - 150 * day) < 3600.0]
    assert len(steps) >= 10 and steps.max() < 600.0  # the Earth turns under 2.5 deg a frame there
