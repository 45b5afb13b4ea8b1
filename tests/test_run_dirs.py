"""Run directories are sacred (issue 12): ``--overwrite`` replaces only what issim wrote, default
directories are unique under concurrency, every check of ``--out`` happens before any work, and
Ctrl-C leaves nothing behind."""

import json
import os
import signal
import subprocess
import threading

import pytest

from orbital.io.run_dirs import RESERVED_MARKER, SCENARIO_FILE, SUMMARY_FILE, TABLES_FILE, TRAJECTORIES_FILE

SHORT = ["--set", "duration=2 h", "--set", "output_step=120 s"]


def _refused_before_work(done, *fragments):
    """Exit 2, one message naming each fragment, and no run started ("running ..." is printed when one does)."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "running" not in done.stderr
    for fragment in fragments:
        assert fragment in done.stderr


def _tree(path):
    return sorted((p.relative_to(path).as_posix(), p.read_bytes() if p.is_file() else None) for p in path.rglob("*"))


@pytest.fixture
def earlier_run(issim, tmp_path):
    """A run directory written by issim."""
    out = tmp_path / "earlier"
    assert issim("run", "iss_orbit", *SHORT, "--out", out, "--json").returncode == 0
    return out


# --- item 2: --overwrite replaces only a directory that issim wrote


def test_overwrite_refuses_a_folder_of_the_users(issim, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me")
    before = _tree(folder)
    _refused_before_work(issim("run", "arm_rescue", "--out", folder, "--overwrite"), "--out", "precious.txt", "issim")
    assert _tree(folder) == before


@pytest.mark.parametrize("tamper", ["added_file", "edited_file", "sub_folder", "no_summary"])
def test_overwrite_refuses_a_run_directory_changed_since(issim, earlier_run, tamper):
    if tamper == "added_file":
        (earlier_run / "notes.txt").write_text("my notes on this run")
    elif tamper == "edited_file":
        with open(earlier_run / SCENARIO_FILE, "a") as scenario:
            scenario.write("# my comment\n")
    elif tamper == "sub_folder":
        (earlier_run / "plots").mkdir()
        (earlier_run / "plots" / "a.png").write_bytes(b"png")
    else:
        (earlier_run / SUMMARY_FILE).unlink()
    before = _tree(earlier_run)
    _refused_before_work(issim("run", "iss_orbit", *SHORT, "--out", earlier_run, "--overwrite"), f"--out {earlier_run}")
    assert _tree(earlier_run) == before


def test_overwrite_replaces_an_earlier_run(issim, earlier_run):
    done = issim("run", "iss_orbit", "--set", "duration=3 h", "--set", "output_step=120 s", "--out", earlier_run, "--overwrite", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads((earlier_run / SUMMARY_FILE).read_text())["summary"]["duration_days"] == pytest.approx(3 / 24, rel=1e-12)
    assert sorted(os.listdir(earlier_run.parent)) == ["earlier"], "no staging or retired copy is left beside it"


def test_overwrite_replaces_a_run_written_before_the_record_of_files(issim, tmp_path):
    """A directory as issim 0.x wrote it (summary.json without its record of files, the footprint's extra files)."""
    old = tmp_path / "old"
    assert issim("run", "soyuz_footprint", "--set", "n_samples=12", "--out", old, "--json").returncode == 0  # too few for a sensitivity
    document = json.loads((old / SUMMARY_FILE).read_text())
    del document["files"], document["tables"]  # nor had it tables (tables.npz)
    (old / SUMMARY_FILE).write_text(json.dumps(document))
    (old / TABLES_FILE).unlink()
    assert issim("run", "iss_orbit", *SHORT, "--out", old, "--overwrite", "--json").returncode == 0
    assert sorted(os.listdir(old)) == [SCENARIO_FILE, SUMMARY_FILE, TRAJECTORIES_FILE]


# --- item 10 (CLI half) and item 17: --out checked (and created) before any work


@pytest.mark.parametrize("out, says", [(".", "the current folder"), ("..", "a folder above the current one"), ("~", "the home folder")])
def test_out_never_names_a_folder_that_holds_the_run(issim, tmp_path, out, says):
    """Refused before any work. SAFETY: every folder named here lies inside tmp_path (the home folder is a fake
    one, given by HOME), because issim before this fix renamed and deleted whatever --out --overwrite named:
    run against such a version, this test must not take a real home folder with it."""
    home, cwd = tmp_path / "home", tmp_path / "home" / "work" / "here"
    cwd.mkdir(parents=True)
    (cwd / "mine.txt").write_text("keep")
    out = str(home) if out == "~" else out
    done = issim("run", "iss_orbit", *SHORT, "--out", out, "--overwrite", cwd=cwd, env={"HOME": str(home)})
    _refused_before_work(done, f"--out {out}", says)
    assert sorted(os.listdir(cwd)) == ["mine.txt"] and sorted(os.listdir(home)) == ["work"]


def test_out_never_names_the_root_folder():
    from orbital.errors import RunDirError
    from orbital.io.run_dirs import claim_out_dir

    with pytest.raises(RunDirError, match="run directory /: is the root folder"):
        claim_out_dir("/", overwrite=True)


@pytest.mark.parametrize("place", ["under_a_file", "proc", "symlink", "a_file"])
def test_out_that_cannot_be_a_directory_is_refused_before_work(issim, tmp_path, place):
    (tmp_path / "f").write_text("a file")
    target = {"under_a_file": tmp_path / "f" / "x", "proc": "/proc/issim-test/x", "a_file": tmp_path / "f", "symlink": tmp_path / "link"}[place]
    if place == "symlink":
        (tmp_path / "real").mkdir()
        (tmp_path / "link").symlink_to(tmp_path / "real")
    _refused_before_work(issim("run", "iss_orbit", *SHORT, "--out", target), f"--out {target}")
    assert (tmp_path / "f").read_text() == "a file"


def test_a_run_that_fails_leaves_no_folder_it_created(issim, tmp_path):
    """--out new/deeper/run is claimed (all three made) before the run; a run that turns out infeasible removes them."""
    done = issim("run", "soyuz_nominal", "--set", "burn.delta_v=0 m/s", "--out", tmp_path / "new" / "deeper" / "run")
    assert done.returncode == 2 and "does not come down" in done.stderr
    assert os.listdir(tmp_path) == []


def test_overwrite_needs_out(issim, tmp_path):
    _refused_before_work(issim("run", "iss_orbit", *SHORT, "--overwrite"), "--overwrite", "--out")
    assert not (tmp_path / "runs").exists()


# --- item 4: default run directories unique under concurrency


def test_concurrent_runs_never_share_or_lose_a_default_directory(tmp_path, monkeypatch, capsys):
    """Eight runs of the CLI's own code at once, in one folder, in the same second: eight directories.

    (Today's main picked the name first and created it after the run: all but one failed, blaming an --out
    nobody gave.)"""
    from orbital import cli, runners
    from orbital.io.scenario import load

    result = runners.run_scenario(load("iss_orbit", ["duration=1 h", "output_step=600 s"]))
    barrier = threading.Barrier(8)

    def slow_run(model, progress=None):
        barrier.wait(timeout=60)  # every run has picked its directory before any finishes
        return result

    monkeypatch.setattr(runners, "run_scenario", slow_run)
    monkeypatch.chdir(tmp_path)
    codes = []

    def one_run():
        codes.append(cli.app(["run", "iss_orbit", "--json"], standalone_mode=False))

    threads = [threading.Thread(target=one_run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    err = capsys.readouterr().err
    assert codes == [None] * 8, err
    assert "--out" not in err
    run_dirs = sorted((tmp_path / "runs").iterdir())
    assert len(run_dirs) == 8
    for run_dir in run_dirs:
        assert sorted(os.listdir(run_dir)) == [SCENARIO_FILE, SUMMARY_FILE, TRAJECTORIES_FILE]


def test_concurrent_processes_get_their_own_directories(tmp_path):
    from conftest import ISSIM

    runs = [subprocess.Popen([str(ISSIM), "run", "iss_orbit", *SHORT, "--json"], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err for _, err in outputs]
    reported = {json.loads(out)["run_dir"] for out, _ in outputs}
    assert len(reported) == 4 and reported == {f"runs/{name}" for name in os.listdir(tmp_path / "runs")}


# --- item 26: Ctrl-C says so, exits 130 and leaves nothing


def test_ctrl_c_says_interrupted_and_leaves_nothing(tmp_path):
    from conftest import ISSIM, ctrl_c_as_from_a_terminal

    run = subprocess.Popen([str(ISSIM), "run", "iss_orbit", "--set", "duration=90 d"], cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True,
                           preexec_fn=ctrl_c_as_from_a_terminal)
    assert run.stderr.readline().startswith("running iss_orbit")  # the run has started
    os.killpg(run.pid, signal.SIGINT)  # Ctrl-C goes to the terminal's whole process group
    out, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert err.strip().splitlines()[-1] == "issim: interrupted" and "Traceback" not in err
    assert not (tmp_path / "runs").exists() or os.listdir(tmp_path / "runs") == [], "the reserved directory is removed"


def test_sigterm_says_terminated_and_leaves_nothing(tmp_path):
    from conftest import ISSIM

    out = tmp_path / "mine" / "run"
    run = subprocess.Popen([str(ISSIM), "run", "iss_orbit", "--set", "duration=90 d", "--out", out], cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stderr.readline().startswith("running iss_orbit")
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 128 + signal.SIGTERM and err.strip().endswith("issim: terminated")
    assert os.listdir(tmp_path) == [], "the --out directory and the folder made for it are removed"


# --- issim view on directories that are not finished runs


def test_view_says_a_run_is_unfinished_or_foreign(issim, tmp_path, earlier_run):
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / RESERVED_MARKER).write_text("1")
    done = issim("view", unfinished, "--export", "x.png")
    assert done.returncode == 2 and "has not finished" in done.stderr
    document = json.loads((earlier_run / SUMMARY_FILE).read_text())
    for change, says in ((lambda d: d.update(kind="bogus"), "kind 'bogus'"), (lambda d: d["trajectories"].pop("station"), "lists the trajectories")):
        edited = json.loads(json.dumps(document))
        change(edited)
        (earlier_run / SUMMARY_FILE).write_text(json.dumps(edited))
        done = issim("view", earlier_run, "--export", "x.png")
        assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()
