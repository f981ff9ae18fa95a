"""A film folder from someone else is untrusted input: every file in it (YAML, lock file, cut record, review file,
the store's records) is read bounded, never runs code, and never names a path outside the folder or its store.
And no fault leaves a film and its records out of step: a reader that finds them so says to cut again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from longcut.engine.app.project import Project
from longcut.engine.render.lock import LockFile
from longcut.engine.timeline import Cut

from .cli import run
from .films import tiny_film


def small(folder: Path, extra: str = "", shot_extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    film = folder / "film.yaml"
    film.write_text(f"title: Trust\nfps: 12\nsize: 128x72\n{extra}scenes:\n  - id: s\n    shots:\n"
                    f"      - {{id: a, duration: 1s, prompt: \"a pier at dawn\"{shot_extra}}}\n", encoding="utf-8")
    return film


# -- the screenplay's own files --------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_own_terms_file_that_is_a_device_is_refused_at_its_line(tmp_path, device):
    (tmp_path / "film").mkdir()
    os.symlink(device, tmp_path / "film" / "terms.txt")
    film = small(tmp_path / "film", "policy: {own: {file: terms.txt}}\n")
    output = run("check", film, code=2).output
    assert "film.yaml:4:" in output and "terms.txt" in output
    assert "outside the film's folder" in output or "not a regular file" in output
    assert "Traceback" not in output


def test_an_own_terms_file_that_is_a_fifo_is_refused_without_waiting(tmp_path):
    (tmp_path / "film").mkdir()
    os.mkfifo(tmp_path / "film" / "terms.txt")
    film = small(tmp_path / "film", "policy: {own: {file: terms.txt}}\n")
    output = run("check", film, code=2).output
    assert "not a regular file (a pipe, a socket or a device)" in output


def test_an_own_terms_file_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("password\n")
    film = small(tmp_path / "film", "policy: {own: {file: ../secret.txt}}\n")
    output = run("check", film, code=2).output
    assert "the film's own policy terms `../secret.txt` are outside the film's folder" in output
    assert "password" not in output


@pytest.mark.parametrize("written", ["'...'", "'?'", "'-'", "'***'"])
def test_an_own_term_of_punctuation_alone_is_a_clear_error(tmp_path, written):
    film = small(tmp_path / "film", f"policy: {{own: {{terms: [acme, {written}]}}}}\n")
    output = run("check", film, code=2).output
    assert "holds no word to match" in output and "film.yaml:4:" in output
    assert "Traceback" not in output


def test_a_scene_file_that_is_a_fifo_is_refused_without_waiting(tmp_path):
    folder = tmp_path / "film"
    folder.mkdir()
    os.mkfifo(folder / "scene.yaml")
    film = folder / "film.yaml"
    film.write_text("title: T\nscenes:\n  - include: scene.yaml\n")
    output = run("check", film, code=2).output
    assert "included file `scene.yaml` is not a regular file" in output or "not a regular file" in output


def test_a_film_file_too_large_to_be_a_screenplay_is_refused(tmp_path):
    film = tmp_path / "film.yaml"
    with open(film, "wb") as handle:
        handle.truncate(40 * 1024 * 1024)  # sparse: 40 MiB that cost nothing on disk
    output = run("check", film, code=2).output
    assert "over the 32 MiB longcut reads of it" in output


@pytest.mark.parametrize("what", ["reference", "music", "sound"])
def test_a_media_file_outside_the_folder_is_refused_at_its_line(tmp_path, what):
    outside = tmp_path / "private"
    outside.mkdir()
    shutil.copy(Path(__file__).parents[1] / "examples" / "short" / "refs" / "ada.png", outside / "face.png")
    (outside / "voice.wav").write_bytes(b"RIFF")
    extra, shot_extra = {
        "reference": ("characters:\n  ada: {name: Ada, description: a keeper, reference: ../private/face.png}\n", ""),
        "music": ("music:\n  - {id: m, file: ../private/voice.wav, start: s}\n", ""),
        "sound": ("", ", audio: ../private/voice.wav"),
    }[what]
    film = small(tmp_path / "film", extra, shot_extra)
    output = run("check", film, code=2).output
    assert "is outside the film's folder" in output and "copy the file into the film's folder" in output


def test_a_link_inside_the_folder_that_points_out_of_it_is_refused(tmp_path):
    (tmp_path / "film").mkdir()
    os.symlink("/etc/hostname", tmp_path / "film" / "face.png")
    film = small(tmp_path / "film", "characters:\n  ada: {name: Ada, description: a keeper, reference: face.png}\n")
    assert "is outside the film's folder" in run("check", film, code=2).output


def test_symlink_loops_are_clear_errors(tmp_path):
    folder = tmp_path / "film"
    folder.mkdir()
    os.symlink("loop.png", folder / "loop.png")
    film = small(folder, "characters:\n  ada: {name: Ada, description: a keeper, reference: loop.png}\n")
    output = run("check", film, code=2).output
    assert "`loop.png` is a symlink loop" in output and "Traceback" not in output
    os.symlink("scene.yaml", folder / "scene.yaml")
    film.write_text("title: T\nscenes:\n  - include: scene.yaml\n")
    output = run("check", film, code=2).output
    assert "symlink loop" in output and "film.yaml:3:" in output
    os.symlink("self.yaml", folder / "self.yaml")
    output = run("check", folder / "self.yaml", code=2).output
    assert "symlink loop" in output and "Traceback" not in output


# -- the records beside the film -------------------------------------------------------------------------------


def edit_record(film: Path, change) -> Path:
    record = Cut.beside(film.with_suffix(".mp4"))
    data = json.loads(record.read_text())
    change(data)
    record.write_text(json.dumps(data))
    return record


def test_a_cut_record_that_names_stems_outside_the_folder_is_refused(rendered, tmp_path):
    secret = tmp_path / "secret.wav"
    secret.write_bytes(b"RIFF-secret")
    edit_record(rendered, lambda data: data["stems"].update({"dialogue": str(secret)}))
    target = tmp_path / "stems"
    result = run("export", rendered, "--format", "stems", "--out", target, code=2)
    assert "the dialogue stem names" in result.output and "outside" in result.output
    assert not target.exists() or not any(target.iterdir())  # nothing copied out


@pytest.mark.parametrize("field", ["clip", "film", "store", "music"])
def test_a_cut_record_that_names_any_path_outside_is_refused(rendered, tmp_path, field):
    def change(data):
        if field == "clip":
            clip = next(item["clip"] for item in data["timeline"]["items"] if "clip" in item)
            clip["path"] = "../../../../etc/passwd"
        elif field == "film":
            data["film"] = "/etc/passwd"
        elif field == "store":
            data["store"] = "/"
        else:
            data["timeline"]["music"] = [{"cue_id": "m", "source": "file", "start": 0, "end": 10, "gain_db": 0,
                                          "fade_in": 0, "fade_out": 0, "file": "/etc/passwd"}]

    edit_record(rendered, change)
    result = run("export", rendered, "--format", "otio", code=2)
    assert "outside" in result.output and "Traceback" not in result.output


def test_a_record_that_is_not_a_regular_file_or_too_large_is_refused(rendered):
    record = Cut.beside(rendered.with_suffix(".mp4"))
    record.unlink()
    os.mkfifo(record)
    assert "not a regular file" in run("export", rendered, "--format", "edl", code=2).output
    record.unlink()
    lock = rendered.with_name("film.lock.json")
    lock.unlink()
    os.symlink("/dev/zero", lock)
    assert "the lock file" in run("status", rendered, code=2).output


def test_a_lock_file_with_nonsense_entries_is_a_clear_error(rendered):
    lock = rendered.with_name("film.lock.json")
    data = json.loads(lock.read_text())
    data["shots"]["a"]["take"] = -5
    lock.write_text(json.dumps(data))
    output = run("status", rendered, code=2).output
    assert "the lock file" in output and "is not a take number" in output


# -- one commit point for a cut ---------------------------------------------------------------------------------


def test_a_cut_stopped_after_the_film_was_replaced_is_never_exported(rendered, tmp_path):
    """As if a kill came between the new film's rename and its record's: the old record and report stay beside a
    film they do not describe. Every reader says so; the next cut repairs it."""
    film = rendered.with_suffix(".mp4")
    old_record, old_report = Cut.beside(film).read_bytes(), film.with_suffix(".continuity.json").read_bytes()
    run("cut", rendered, "--loudness", "-23")  # another film
    Cut.beside(film).write_bytes(old_record)
    film.with_suffix(".continuity.json").write_bytes(old_report)
    for command in (("export", rendered, "--format", "edl"), ("report", rendered)):
        output = run(*command, code=2).output
        assert "cut the film again" in output and "Traceback" not in output
    assert not rendered.with_suffix(".edl").exists()
    result = run("cut", rendered, "--loudness", "-23")
    assert "up to date" not in result.output  # the stale record is not taken as done
    run("export", rendered, "--format", "edl")


def test_a_draft_at_another_size_goes_to_its_own_files(rendered):
    film = rendered.with_suffix(".mp4")
    before = film.read_bytes(), Cut.beside(film).read_bytes()
    run("render", rendered, "--size", "112x64")
    assert (film.read_bytes(), Cut.beside(film).read_bytes()) == before
    draft = rendered.with_suffix(".112x64.mp4")
    assert draft.is_file() and Cut.beside(draft).is_file() and draft.with_suffix(".continuity.json").is_file()
    run("export", rendered, "--format", "edl")  # the film's own cut still exports
    run("export", rendered, "--format", "edl", "--cut", draft, "--out", rendered.parent / "draft.edl")


def test_pick_says_how_to_recut_and_export_says_when_the_cut_is_older(rendered):
    run("shot", rendered, "e", "--take", "new")  # take 2, cut in
    result = run("pick", rendered, "e", "--take", "1")
    assert "longcut cut" in result.output and "--cut" in result.output
    export = run("export", rendered, "--format", "edl")
    assert "the film was cut before the lock file last changed: shot(s) e now use other takes" in export.stderr
    result = run("pick", rendered, "e", "--take", "2", "--cut")
    assert "cut " in result.output
    assert "before the lock file" not in run("export", rendered, "--format", "edl").stderr


def test_two_processes_writing_the_lock_file_lose_nothing(tmp_path):
    """Each writer reads the file, changes its own shot and saves, over and over, at once: every change is kept
    (the review server and `longcut pick` write the same file)."""
    film = tmp_path / "film.yaml"
    film.write_text("title: T\n")
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from longcut.engine.render.lock import LockFile
        shot = sys.argv[1]
        for take in range(1, 31):
            lock = LockFile.beside(Path({str(film)!r}))
            lock.record(shot, take, "0" * 64, picked=True)
            lock.save()
    """)
    root = Path(__file__).parents[1]
    workers = [subprocess.Popen([sys.executable, "-c", code, f"shot{index}"], cwd=root) for index in range(6)]
    assert all(worker.wait(timeout=120) == 0 for worker in workers)
    lock = LockFile.beside(film)
    assert {shot: entry.take for shot, entry in lock.shots.items()} == {f"shot{index}": 30 for index in range(6)}


def test_a_save_keeps_what_another_writer_saved_meanwhile(tmp_path):
    film = tmp_path / "film.yaml"
    first, second = LockFile.beside(film), LockFile.beside(film)
    second.record("b", 2, "b" * 64, picked=True)
    second.save()
    first.record("a", 3, "a" * 64, picked=True)
    first.save()
    assert {shot: entry.take for shot, entry in LockFile.beside(film).shots.items()} == {"a": 3, "b": 2}
    assert set(first.shots) == {"a", "b"}  # the saver now knows the other's pick too


def test_the_review_state_says_when_the_record_is_not_of_the_film(rendered):
    from longcut.engine.review.server import ReviewServer

    film = rendered.with_suffix(".mp4")
    old = Cut.beside(film).read_bytes()
    run("cut", rendered, "--loudness", "-23")
    Cut.beside(film).write_bytes(old)
    server = ReviewServer(rendered)
    try:
        state = server.state()
    finally:
        server.httpd.server_close()
    assert state["film"] is None and "cut the film again" in state["notice"]


def test_a_cut_record_from_an_old_longcut_without_the_films_digest_asks_for_a_new_cut(rendered):
    edit_record(rendered, lambda data: data.pop("film_digest"))
    assert "cut the film again" in run("export", rendered, "--format", "otio", code=2).output


def test_a_tiny_film_renders_and_exports_as_before(tmp_path):
    """The boundary costs the ordinary path nothing: render, export and report on a fresh film."""
    film = tiny_film(tmp_path)
    run("render", film)
    run("export", film, "--format", "edl")
    run("report", film)
    assert Project.open(film).last_cut().belongs_to_film()


def test_an_encoder_that_exits_0_without_writing_records_no_take(tmp_path, monkeypatch):
    """An ffmpeg that swallows the frames and says it succeeded: the take is refused before its record is written,
    so no later render takes it as made."""
    from longcut.engine.media.ffmpeg import ffmpeg_exe

    real = ffmpeg_exe()
    liar = tmp_path / "ffmpeg"
    liar.write_text(f"#!{sys.executable}\n"
                    "import os, sys\n"
                    "if 'rawvideo' in sys.argv and 'pipe:' in sys.argv and '-crf' in sys.argv:\n"
                    "    while sys.stdin.buffer.read(1 << 16):\n"
                    "        pass\n"
                    "    sys.exit(0)\n"
                    f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n")
    liar.chmod(0o755)
    film = small(tmp_path / "film")
    monkeypatch.setenv("LONGCUT_FFMPEG", str(liar))
    ffmpeg_exe.cache_clear()
    try:
        result = run("render", film, code=1)
    finally:
        ffmpeg_exe.cache_clear()
    assert "the encoder wrote 0 of the take's 12 frames" in result.stderr and "Traceback" not in result.output
    store = tmp_path / "film" / ".longcut" / "takes"
    assert not [path for path in store.glob("*/*/take.json")
                if json.loads(path.read_text()).get("kind", "shot") == "shot"]
    monkeypatch.delenv("LONGCUT_FFMPEG")
    assert "rendered 1 shot(s)" in run("render", film).output


def test_after_a_pick_takes_marks_the_take_the_cut_will_use_of_a_dependent_shot(rendered):
    original = Project.open(rendered).plan().shots["b"].key
    run("shot", rendered, "a", "--take", "new")  # a take 2, and b and c made again from it
    remade = Project.open(rendered).plan().shots["b"].key
    run("pick", rendered, "a", "--take", "1")  # back to take 1: b's first take is the one the cut uses again
    marked = [line for line in run("takes", rendered, "b").output.splitlines() if line.startswith("▶")]
    assert len(marked) == 1 and original[:10] in marked[0] and remade[:10] not in marked[0]


# -- frames that do not depend on the machine ----------------------------------------------------------------


ENCODE_ON = """
import hashlib, os, sys
from fractions import Fraction
from pathlib import Path
import numpy as np
os.sched_setaffinity(0, {int(cpu) for cpu in sys.argv[1].split(",")})
from longcut.engine.media.ffmpeg import Encoder
base = np.random.default_rng(1).integers(0, 255, (180, 320, 3), dtype=np.uint8)
with Encoder(Path(sys.argv[2]), 320, 180, Fraction(24)) as encoder:
    for index in range(36):
        encoder.write(np.roll(base, index * 3, axis=1))
"""


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs two cores to compare one with two")
def test_a_take_is_the_same_bytes_on_one_core_as_on_many(tmp_path):
    """x264 chooses its threads by the machine's cores, and its output by its threads: pinned, a take made on a
    small worker and on a large one is the same file (as Ray renders it on whatever node is free)."""
    cpus = sorted(os.sched_getaffinity(0))
    made = []
    for index, allowed in enumerate(([cpus[0]], cpus)):
        target = tmp_path / f"{index}.mp4"
        subprocess.run([sys.executable, "-c", ENCODE_ON, ",".join(map(str, allowed)), str(target)], check=True,
                       cwd=Path(__file__).parents[1])
        made.append(target.read_bytes())
    assert made[0] == made[1]


# -- bounded resources ----------------------------------------------------------------------------------------


def forged_wav(path: Path, rate: int, samples: int = 4000) -> Path:
    """A 16-bit mono WAV whose header claims `rate` (its data is `samples` samples of silence)."""
    import struct

    data = bytes(2 * samples)
    header = (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate,
              rate * 2 % 2**32, 2, 16) + b"data" + struct.pack("<I", len(data)))
    path.write_bytes(header + data)
    return path


@pytest.mark.parametrize("rate", [1, 100, 2_000_000_000])
def test_a_sound_whose_header_claims_an_absurd_rate_is_refused_at_check(tmp_path, rate):
    folder = tmp_path / "film"
    folder.mkdir()
    forged_wav(folder / "score.wav", rate)
    film = small(folder, "music:\n  - {id: m, file: score.wav, start: s}\n")
    output = run("check", film, code=2).output
    assert f"claims a sample rate of {rate:,} Hz" in output and "film.yaml:" in output


def test_a_long_sound_is_decoded_only_as_far_as_the_film_plays_it(tmp_path):
    from longcut.engine.editor.audio import RATE, _decoded

    long = forged_wav(tmp_path / "long.wav", 8000, samples=8000 * 120)  # two minutes
    data = _decoded(long, tmp_path / "long.f32", "a long file", needed=RATE)  # one second is played
    assert RATE <= data.shape[0] <= RATE * 1.2


def test_a_generated_cue_costs_memory_for_what_it_plays():
    from longcut.engine.editor.score import Score

    score = Score("calm", "D minor", 72)
    whole = score.cycle_samples
    short = score.block(0, 48_000)  # one second
    assert len(score._made) == 1 and short.shape == (48_000, 2)
    assert np.array_equal(score.block(whole - 10, 20), np.concatenate([score.cycle[-10:], score.cycle[:10]]))


def test_a_generated_cue_is_made_in_stretches_to_the_last_bit():
    """A chord is synthesised a second at a time (its scratch arrays are a second's, not the chord's) and a block
    is copied from the cycle a chord at a time: the samples are those made whole, and looked up sample by sample,
    at any start, across chords and the cycle's end, before the film (negative) and far into it."""
    from longcut.engine.editor.score import Score

    for mood, key, bpm in (("calm", "D minor", 70), ("tense", "F# major", 133)):
        score = Score(mood, key, bpm)
        whole = score._chord_stretch(score.chords[1], 0, score.chord_samples)  # the chord made at once
        assert np.array_equal(score._chord_samples(1), whole)
        cycle = score.cycle
        assert cycle.shape == (score.cycle_samples, 2)
        rng = np.random.default_rng(7)
        chosen = [(0, 1), (score.chord_samples - 5, 10), (-17, 40), (7 * score.cycle_samples + 3, 48_000)]
        drawn = [(int(rng.integers(-3, 3) * score.cycle_samples + rng.integers(score.cycle_samples)),
                  int(rng.integers(1, 2 * score.cycle_samples))) for _ in range(6)]
        for start, count in chosen + drawn:
            expected = cycle[(start + np.arange(count)) % score.cycle_samples]
            assert np.array_equal(score.block(start, count), expected), (start, count)


def tree_state(folder: Path) -> dict:
    """Every file and folder with its size and time, but the store's cache of checked takes (`verified/`), which
    a command that only reads writes where it can and does without where it cannot."""
    return {path: (path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*")
            if not path.is_symlink() and "verified" not in path.relative_to(folder).parts}


def test_read_only_commands_leave_the_film_folder_as_it_was(rendered, tmp_path):
    """export (to elsewhere), status, takes (its sheet elsewhere), report and a dry run write nothing in the film's
    folder or its store but the store's cache of checked takes (where it can): a film folder that cannot be
    written (a shared drive, a read-only mount) serves them."""
    copied = tmp_path / "copied"
    shutil.copytree(rendered.parent, copied, symlinks=True)  # new inodes: every take is checked afresh
    film = copied / rendered.name
    before = tree_state(copied)
    run("status", film)
    run("export", film, "--format", "edl", "--out", tmp_path / "out.edl")
    run("takes", film, "a", "--out", tmp_path / "sheet.png")
    run("report", film)
    run("render", film, "--dry-run")
    assert tree_state(copied) == before


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path):
    import errno

    from longcut.engine.atomic import atomic_path

    target = tmp_path / "film.cut.json"
    with pytest.raises(OSError) as raised:
        with atomic_path(target) as temporary:
            temporary.write_text("half")
            raise OSError(errno.ENOSPC, "No space left on device")  # as a write() says it: no file named
    assert raised.value.filename == str(target) and raised.value.errno == errno.ENOSPC
    assert not target.exists() and not list(tmp_path.iterdir())  # nothing half-written left


def test_symlink_loops_given_on_the_command_line_are_clear_errors(tmp_path):
    film = small(tmp_path / "film")
    os.symlink("loop.mp4", tmp_path / "loop.mp4")
    os.symlink("loops", tmp_path / "loops")
    for option, value in (("--out", tmp_path / "loop.mp4"), ("--store", tmp_path / "loops" / "store")):
        result = run("render", film, option, value, code=2)
        assert f"{option} {value} is a symlink loop" in result.stderr and "Traceback" not in result.output


def test_the_watch_passes_over_a_symlink_loop_in_the_folder(tmp_path):
    from longcut.engine.app.watch import FilmFiles
    from watchfiles import Change

    film = small(tmp_path / "film")
    os.symlink("loop.yaml", film.parent / "loop.yaml")
    files = FilmFiles(film.parent, set())
    assert files(Change.modified, str(film)) is True
    assert files(Change.added, str(film.parent / "loop.yaml")) is False


def test_a_store_outside_the_folder_is_trusted_when_the_command_names_it(tmp_path):
    """The records may name the take store the command uses, wherever it is (--store or LONGCUT_STORE): a cut is
    up to date the second time, and the export reads it; without it named, the record is refused."""
    film = small(tmp_path / "film")
    store = tmp_path / "elsewhere"
    run("render", film, "--store", store)
    assert "up to date" in " ".join(run("cut", film, "--store", store).output.split())
    run("export", film, "--format", "edl", "--store", store)
    assert "outside" in run("export", film, "--format", "edl", code=2).output
