"""Nothing lost, nothing trusted blindly: damaged takes are found and made again, no command writes over a file
the film reads, killed runs leave nothing behind that is not swept, two renders at once make each take once,
and a bad option is a message, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from longcut.engine.atomic import HOST_TAG
from longcut.engine.cli import app
from longcut.engine.media.ffmpeg import count_packets, probe_frames
from longcut.engine.store import HOST, RECORD, TakeStore
from longcut.engine.media.text import card_frames, draw_card

from .cli import run
from .films import tiny_film

SHOTS = ["a", "b", "c", "d", "e"]
CUT_FRAMES = 48 + (24 + 18 + 12 + 36 + 24) - 6 + 72  # title, the shots less d's crossfade, credits (12 fps)
DEAD_PID = 4_000_000_000  # beyond any pid_max: a process that cannot be running


def take_folder(film: Path, shot: str) -> Path:
    key = json.loads(film.with_name("film.lock.json").read_text())["shots"][shot]["key"]
    return film.parent / ".longcut" / "takes" / key[:2] / key


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def zero(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def delete(path: Path) -> None:
    path.unlink()


# -- damaged takes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", [truncate, zero, flip_a_bit, delete])
def test_a_damaged_take_is_evicted_and_rendered_again(rendered, damage):
    folder = take_folder(rendered, "d")
    before = json.loads((folder / RECORD).read_text())
    damage(folder / "clip.mp4")
    result = run("render", rendered)
    assert "was damaged" in result.stderr and "of shot `d`" in result.stderr
    assert "rendered 1 shot(s), 4 cached" in result.output
    assert f"{CUT_FRAMES} frames" in result.output
    assert probe_frames(rendered.with_suffix(".mp4")) == CUT_FRAMES
    after = json.loads((folder / RECORD).read_text())  # the same key, made again whole
    assert after["frames_sha256"] == before["frames_sha256"] and after["files"] == before["files"]
    assert "cached" in run("status", rendered).output and "damaged" not in run("status", rendered).stderr


def test_the_cut_refuses_a_damaged_take_rather_than_use_it(rendered):
    flip_a_bit(take_folder(rendered, "b") / "clip.mp4")
    film_before = rendered.with_suffix(".mp4").read_bytes()
    result = run("cut", rendered, "--no-titles", code=2)
    assert "was damaged" in result.stderr and "1 shot(s) have no take" in result.stderr
    assert rendered.with_suffix(".mp4").read_bytes() == film_before  # the last good film is kept
    status = run("status", rendered).output
    assert "missing" in status


def test_status_verify_finds_damage_that_kept_size_and_mtime(rendered):
    clip = take_folder(rendered, "e") / "clip.mp4"
    run("status", rendered)  # the copies are checked once (their inodes are new), and trusted from then on
    stat = clip.stat()
    flip_a_bit(clip)
    os.utime(clip, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as rot on the disk would: nothing else changes
    # the quick check trusts what it verified before, as DVC trusts its state; --verify hashes and decodes all
    assert "5 cached" in run("status", rendered).output
    result = run("status", rendered, "--verify")
    assert "damaged" in result.output and "4 verified" in result.output and "was damaged" in result.stderr
    assert "rendered 1 shot(s), 4 cached" in run("render", rendered).output


def test_a_take_made_before_records_held_digests_is_checked_by_decoding(rendered):
    folder = take_folder(rendered, "a")
    record = json.loads((folder / RECORD).read_text())
    del record["files"]
    (folder / RECORD).write_text(json.dumps(record))
    shutil.rmtree(rendered.parent / ".longcut" / "verified")
    store = TakeStore(rendered.parent / ".longcut")
    assert store.verify(folder.name) is None
    truncate(folder / "clip.mp4")
    assert "could not read" in store.verify(folder.name) or "decodes to" in store.verify(folder.name)


def test_a_damaged_take_in_object_storage_is_removed_there_and_made_again(tmp_path):
    film, bucket = tiny_film(tmp_path / "film"), tmp_path / "bucket"
    url = f"file://{bucket}"
    run("render", film, "--store", url, "--no-titles")
    key = take_folder(film, "c").name
    truncate(bucket / "takes" / key[:2] / key / "clip.mp4")
    shutil.rmtree(film.parent / ".longcut")  # another machine: every take comes from the bucket
    result = run("render", film, "--store", url, "--no-titles")
    assert f"the take {key[:12]} in {url} was damaged" in result.stderr
    assert "rendered 1 shot(s), 4 cached" in result.output
    store = TakeStore(tmp_path / "elsewhere", remote=url)
    assert store.has(key) and store.verify(key, full=True) is None  # uploaded whole again


# -- outputs never overwrite inputs ------------------------------------------------------------------


@pytest.mark.parametrize("args, victim", [
    (["export", "-f", "edl", "--out", "{film}"], "film.yaml"),
    (["export", "-f", "otio", "--out", "{lock}"], "film.lock.json"),
    (["export", "-f", "srt", "--out", "{ref}"], "refs/ada.png"),
    (["cut", "--out", "{ref}"], "refs/ada.png"),
    (["cut", "--out", "{film}"], "film.yaml"),
    (["export", "-f", "xml", "--out", "{take}"], None),
    (["graph", "--out", "{ref}"], "refs/ada.png"),
    (["takes", "a", "--out", "{ref}"], "refs/ada.png"),
])
def test_no_output_is_written_over_a_file_the_film_reads(rendered, args, victim):
    root = rendered.parent
    take = take_folder(rendered, "a") / "clip.mp4"
    paths = {"film": rendered, "lock": root / "film.lock.json", "ref": root / "refs" / "ada.png", "take": take}
    before = {path: path.read_bytes() for path in paths.values() if path.is_file()}
    result = run(*[arg.format(**paths) for arg in args[:1]], rendered, *[arg.format(**paths) for arg in args[1:]],
                 code=2)
    assert "which longcut reads" in result.stderr and "Traceback" not in result.output
    assert {path: path.read_bytes() for path in before} == before


def test_an_output_folder_is_made_one_level_deep_and_no_deeper(rendered, tmp_path):
    result = run("export", rendered, "-f", "srt", "--out", tmp_path / "nowhere" / "deeper" / "film.srt", code=2)
    assert "does not exist" in result.stderr and not (tmp_path / "nowhere").exists()
    run("export", rendered, "-f", "srt", "--out", tmp_path / "new" / "film.srt")
    assert (tmp_path / "new" / "film.srt").is_file()


@pytest.mark.parametrize("args, words", [
    (["export", "{film}", "-f", "edl", "--out", "{folder}"], "is a folder"),
    (["export", "{film}", "-f", "edl", "--out", "/proc/version/film.edl"], "is a file, not a folder"),
    (["export", "{film}", "-f", "edl", "--out", "/sys/film.edl"], "cannot be written to"),
    (["cut", "{film}", "--out", "{folder}"], "is a folder"),
    (["cut", "{film}", "--out", "/dev/null"], "is not a regular file"),
    (["graph", "{film}", "--out", "/sys/graph.svg"], "cannot be written to"),
    (["render", "{film}", "--store", "{film}"], "is not a folder"),
    (["render", "{film}", "--store", "/sys/longcut-store"], "/sys cannot be written to"),
    (["import", "{script}", "{film}"], "is a file"),
    (["export", "{film}", "-f", "edl", "--start", "99:99:99:99"], "is not a time of day"),
    (["export", "{film}", "-f", "edl", "--start", "01:00:00:12"], "frames run 00-11 at 12 fps"),
    (["shot", "{film}", "a", "--take", "99999"], "a take number from 1 to 999"),
])
def test_bad_options_are_one_message_with_a_hint(rendered, args, words, tmp_path):
    script = tmp_path / "keeper.fountain"
    script.write_text("INT. LAMP ROOM - NIGHT\n\nThe lamp turns.\n")
    (tmp_path / "a folder").mkdir()
    values = {"film": rendered, "folder": tmp_path / "a folder", "script": script}
    result = run(*[arg.format(**values) for arg in args], code=2)
    assert words in result.stderr, result.stderr
    assert "hint: " in result.stderr and "Traceback" not in result.output


def test_an_ffmpeg_that_is_not_there_is_a_message(rendered, monkeypatch):
    from longcut.engine.media.ffmpeg import ffmpeg_exe

    monkeypatch.setenv("LONGCUT_FFMPEG", "/nonexistent/ffmpeg")
    ffmpeg_exe.cache_clear()
    try:
        result = run("cut", rendered, "--out", rendered.with_name("other.mp4"), code=2)
    finally:
        ffmpeg_exe.cache_clear()
    assert "LONGCUT_FFMPEG=/nonexistent/ffmpeg is not an ffmpeg that can be run" in result.stderr


# -- temporary files -----------------------------------------------------------------------------------


def test_what_a_killed_cut_left_is_swept_and_nothing_goes_to_the_system_temp(rendered, tmp_path):
    store = rendered.parent / ".longcut"
    left = store / "tmp" / f"audio.{DEAD_PID}.0badc0de.{HOST}"
    left.mkdir(parents=True)
    (left / "mix.f32").write_bytes(bytes(1024))
    piece = next((store / "pieces").glob("*/*.mp4"))
    stale_piece = piece.with_name(f".{piece.stem}.{DEAD_PID}-{HOST_TAG}.tmp.mp4")
    stale_piece.write_bytes(b"half a piece")
    stale_film = rendered.with_name(f".film.{DEAD_PID}-{HOST_TAG}.tmp.mp4")
    stale_film.write_bytes(b"half a film")
    live_piece = piece.with_name(f".{piece.stem}.{os.getpid()}-{HOST_TAG}.tmp.mp4")  # a piece being made now
    live_piece.write_bytes(b"in progress")
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    env = {**os.environ, "TMPDIR": str(system_temp)}
    done = subprocess.run([sys.executable, "-m", "longcut.engine.cli", "cut", str(rendered), "--loudness", "-16"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not left.exists() and not stale_piece.exists() and not stale_film.exists()
    assert live_piece.exists()
    assert list(system_temp.iterdir()) == []  # the mix and the cut's listing went to the store, and are gone
    assert list((store / "tmp").iterdir()) == []


# -- text that would take forever ------------------------------------------------------------------------


def test_a_ten_thousand_character_title_is_drawn_at_once():
    import time

    lines = (("title", "A" * 10_000), ("small", "by " + "B" * 10_000))
    started = time.perf_counter()
    frames = list(card_frames(lines, 3, 1280, 720, Fraction(24)))
    assert time.perf_counter() - started < 2.0
    assert len(frames) == 3
    still = draw_card(lines, 1280, 720)
    assert still.shape == (720, 1280, 3) and still.any()


# -- two renders at once ---------------------------------------------------------------------------------


def test_two_renders_of_one_film_make_each_take_once(tmp_path):
    film = tiny_film(tmp_path)
    command = [sys.executable, "-m", "longcut.engine.cli", "render", str(film), "--no-titles"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert [process.returncode for process in (first, second)] == [0, 0], outputs
    rendered = [int(out.split("rendered ")[1].split(" shot")[0]) for out, _ in outputs]
    assert sum(rendered) == len(SHOTS), outputs
    store = TakeStore(film.parent / ".longcut")
    assert sorted(record.shot for record in store.records()) == SHOTS
    assert count_packets(film.with_suffix(".mp4")) == CUT_FRAMES - 48 - 72


def test_a_lock_held_by_a_dead_process_is_no_lock(tmp_path):
    store = TakeStore(tmp_path / "store")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from longcut.engine.store import TakeStore\n"
        f"store = TakeStore(Path({str(tmp_path / 'store')!r}))\n"
        "with store.claim('k' * 64):\n    print('held', flush=True); time.sleep(60)\n")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    with store.claim("k" * 64):  # would block for a minute were the dead holder's lock still held
        pass


def test_the_takes_and_status_tables_stay_whole_at_80_columns(rendered):
    for _ in range(2):
        run("shot", rendered, "d", "--take", "new")
    result = CliRunner().invoke(app, ["takes", str(rendered), "d"], terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "│" in line]
    assert len(rows) == 3 and all(len(line) <= 80 for line in result.stdout.splitlines()[:5])
    store = TakeStore(rendered.parent / ".longcut")
    for record in (record for record in store.records() if record.shot == "d"):  # take, seed and key whole
        assert any(f" {record.take} " in row and str(record.seed) in row and record.key[:10] in row for row in rows)
    status = CliRunner().invoke(app, ["status", str(rendered)], terminal_width=80, env={"COLUMNS": "80"})
    assert all(len(line) <= 80 for line in status.stdout.splitlines())
    assert "cached" in status.stdout and "…" not in status.stdout


def test_commands_that_read_the_films_media_decode_it_first_and_the_others_do_not(rendered):
    (rendered.parent / "refs" / "ada.png").write_bytes(b"not a picture any more")
    for command in (["render", rendered], ["cut", rendered], ["shot", rendered, "a", "--take", "new"]):
        result = run(*command, code=2)
        assert "reference image of character `ada`: `refs/ada.png` is not an image Pillow can read" in result.stderr
    run("status", rendered)  # status and export read no media: they answer as before
    run("export", rendered, "--format", "srt")


def test_threads_writing_one_file_at_once_never_share_a_temporary(tmp_path):
    """The review server's requests note a take verified from several threads of one process: each write has a
    temporary of its own, so none fails (it did: "No such file or directory" on the rename) and the file is one of
    them, whole."""
    import threading

    from longcut.engine.atomic import atomic_path

    target = tmp_path / "verified" / "note"
    failures = []

    def write(number: int) -> None:
        for _ in range(40):
            try:
                with atomic_path(target) as temporary:
                    temporary.write_text(str(number) * 100)
            except OSError as error:
                failures.append(error)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and target.read_text() in {str(number) * 100 for number in range(8)}
    assert not list(target.parent.glob(".*.tmp"))
