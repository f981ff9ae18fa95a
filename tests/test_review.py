"""`longcut review`: the page in a real browser (Debian's chromium, driven by playwright), the server's guards
over real HTTP, the review file, `render --retakes`, and the notes in the exports.

The browser tests never skip: without chromium they fail and say how to install it (the README's test command
does). Screenshots of the page go to the tests' output folder (printed with -s), to be looked at.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from longcut.engine.media.ffmpeg import decode_frames
from longcut.engine.app.project import Project
from longcut.engine.review.decisions import Review, ReviewData, review_path
from longcut.engine.media.proxy import PROXY_HEIGHT, proxy
from longcut.engine.review.server import ReviewServer, is_loopback
from longcut.engine.review.static import MARKER
from longcut.storyboard.units import format_timecode

from .cli import run
from .films import film_copy
from .media import make_clip

CHROMIUM = Path("/usr/bin/chromium")
FILM = """title: "Review </script><b>me</b>"
fps: 12
size: 320x180
characters:
  mara: {name: Mara, description: a harbour pilot}
scenes:
  - id: s
    heading: EXT. PIER - DAY
    shots:
      - {id: a, duration: 2s, prompt: a pier at dawn}
      - {id: b, duration: 2s, prompt: "<script>window.pwned = 1</script> the harbour",
         dialogue: [{mara: "<img src=x onerror=\\"window.pwned = 2\\">"}]}
      - {id: c, duration: 2s, prompt: boats, continues: b}
"""
FRAMES = 24 * 3 + 48 + 72  # three shots, the title card and the credits at 12 fps


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The film rendered and cut, with a second take of shot c (in use)."""
    folder = tmp_path_factory.mktemp("review")
    film = folder / "film.yaml"
    film.write_text(FILM, encoding="utf-8")
    run("render", film)
    run("shot", film, "c", "--take", "new")
    return film


@pytest.fixture
def film(rendered, tmp_path):
    """A copy of the rendered film for one test to change."""
    return film_copy(rendered, tmp_path)


@pytest.fixture
def server(film):
    serving = ReviewServer(film, author="Mara Okafor")
    thread = threading.Thread(target=serving.serve_forever, daemon=True)
    thread.start()
    yield serving
    serving.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail("the review page's tests need Debian's chromium: apt-get install -y chromium "
                    "(the README's test command installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # which file was missing: the console says only "404"
    opened.on("response", lambda response: errors.append(f"{response.status} {urlsplit(response.url).path}")
              if response.status >= 400 else None)
    yield opened
    context.close()
    assert errors == []  # no script error, no refused style, no missing file


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    print(f"\nscreenshots of the review page: {folder}")
    return folder


def open_page(page, url: str):
    page.goto(url)
    page.wait_for_selector("body[data-loaded]")
    return page


def wait_until(page, expression: str, seconds: float = 10) -> None:
    """Poll a JavaScript expression until it is true. (playwright's wait_for_function evaluates its predicate with
    eval, which the page's Content-Security-Policy forbids, as it should.)"""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            said = page.evaluate("document.getElementById('banner') ? document.getElementById('banner').textContent : ''")
            raise AssertionError(f"still false after {seconds}s: {expression} (the page's banner: {said!r})")
        page.wait_for_timeout(50)


def loads(page) -> int:
    return int(page.evaluate("document.body.dataset.loaded"))


def status_of(page, shot: str) -> str:
    return page.inner_text(f"#shot-{shot} .badge")


def test_the_page_shows_the_film_and_every_shot_with_its_status(server, page, screenshots):
    open_page(page, server.url)
    assert page.inner_text("#title") == "Review </script><b>me</b>"  # text, never markup
    assert [status_of(page, shot) for shot in "abc"] == ["rendered"] * 3
    assert "take 2" in page.inner_text("#shot-c")
    wait_until(page, "document.getElementById('film').readyState >= 2")
    assert page.evaluate("document.getElementById('film').duration") == pytest.approx(FRAMES / 12, abs=0.1)
    # a shot chosen while the film is still loading (its proxy is made the first time) is where it plays from
    page.evaluate("""() => { const video = document.getElementById('film'); window.filmSource = video.src;
                             video.removeAttribute('src'); video.load(); }""")
    page.click("#shot-b")
    assert page.is_visible("#loading")
    page.evaluate("() => { document.getElementById('film').src = window.filmSource; }")
    wait_until(page, "document.getElementById('film').readyState >= 2 && !document.getElementById('film').seeking")
    wait_until(page, "document.getElementById('frame').textContent === '72'")
    assert page.inner_text("#current-shot") == "shot b" and not page.is_visible("#loading")
    page.click("#shot-a")
    wait_until(page, "document.getElementById('current-shot').textContent === 'shot a'")
    page.click("#shot-b")  # clicking a shot seeks the film to it: waited for, as the seek is the video's to finish
    wait_until(page, "document.getElementById('current-shot').textContent === 'shot b' && "
                     f"document.getElementById('frame').textContent === '{48 + 24}'")
    assert "window.pwned = 1" in page.inner_text("#shot-panel")  # the prompt and the line, shown as text
    assert 'onerror=' in page.inner_text("#shot-panel")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#shot-panel .speak").count() == 1  # the line as the scratch voice speaks it
    heard = page.evaluate("""async () => {
        const url = (await (await fetch('api/state')).json()).shots[1].dialogue[0].speech;
        const response = await fetch(url);
        const bytes = new Uint8Array(await response.arrayBuffer());
        return [response.status, String.fromCharCode(...bytes.slice(0, 4)), response.headers.get('content-type')];
    }""")
    assert heard[:2] == [200, "RIFF"] and "wav" in heard[2]
    page.screenshot(path=str(screenshots / "review-page.png"), full_page=True)


def test_approve_retake_and_pick_are_saved_and_kept_after_a_reload(server, page, film, screenshots):
    open_page(page, server.url)
    page.click("#shot-a")
    page.click("#approve")
    wait_until(page, "document.querySelector('#shot-a .badge').textContent === 'approved'")
    page.click("#shot-b")
    page.fill("#verdict-note", "the harbour should be at dusk")
    page.click("#retake")
    wait_until(page, "document.querySelector('#shot-b .badge').textContent === 'retake'")
    page.click("#shot-c")
    page.click("#take-c-1 .pick")
    wait_until(page, "document.querySelector('#take-c-1').classList.contains('in-use')")
    page.screenshot(path=str(screenshots / "review-decisions.png"), full_page=True)

    page.reload()
    page.wait_for_selector("body[data-loaded]")
    assert [status_of(page, shot) for shot in "abc"] == ["approved", "retake", "rendered"]
    assert "take 1" in page.inner_text("#shot-c")
    data = ReviewData.model_validate_json(review_path(film).read_text())  # the file validates against its schema
    assert data.decisions["b"].note == "the harbour should be at dusk" and data.decisions["a"].verdict == "approved"
    lock = json.loads(film.with_name("film.lock.json").read_text())
    assert lock["shots"]["c"]["take"] == 1 and lock["shots"]["c"]["picked"] is True
    status = run("status", film).output
    assert "approved" in status and "retake: the" in status  # the note, cut to the terminal's width
    # the retake's reason is in the one list of notes, with its shot, take and who said it
    notes = page.inner_text("#notes")
    assert "the harbour should be at dusk" in notes and "b take 1" in notes and "retake" in notes
    assert data.decisions["b"].author == server.author != ""


def test_seeking_to_a_timecode_shows_that_very_frame(server, page, film):
    open_page(page, server.url)
    wait_until(page, "document.getElementById('film').readyState >= 2")
    frames = list(decode_frames(film.with_suffix(".mp4"), 320, 180))
    # frames unlike both neighbours (the animatic's shots hold nearly still): the title fading in and out, c easing
    # out of b's last frame, the credits fading in
    for frame in (3, 44, 99, 101, 123):
        page.fill("#goto-input", format_timecode(frame, Fraction(12)))
        page.click("#goto button")
        wait_until(page, f"document.getElementById('frame').textContent === '{frame}'")
        wait_until(page, "!document.getElementById('film').seeking")
        assert page.inner_text("#timecode") == format_timecode(frame, Fraction(12))
        shown = np.array(page.evaluate("""() => {
            const video = document.getElementById('film');
            const canvas = document.createElement('canvas');
            canvas.width = 320; canvas.height = 180;
            const context = canvas.getContext('2d');
            context.drawImage(video, 0, 0, 320, 180);
            return Array.from(context.getImageData(0, 0, 320, 180).data);
        }"""), dtype=np.float32).reshape(180, 320, 4)[..., :3]
        distance = {index: np.abs(shown - frames[index]).mean() for index in (frame - 1, frame, frame + 1)}
        assert min(distance, key=distance.get) == frame  # the picture on screen is that frame, not a neighbour


def test_the_pages_timecode_is_longcuts_at_every_rate(server, page):
    open_page(page, server.url)
    samples = sorted({*range(0, 40000, 37), *range(17970, 18020), *range(107880, 107930), 2589407, 5178815})
    for fps in (Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(60000, 1001)):
        drop = fps.denominator == 1001
        spec = {"nominal": round(fps), "dropped": 2 * round(fps / 30) if drop else 0, "separator": ";" if drop else ":"}
        shown = page.evaluate("([frames, spec]) => frames.map((f) => window.longcutTimecode(f, spec))", [samples, spec])
        assert shown == [format_timecode(frame, fps) for frame in samples]


def test_notes_are_pinned_to_frames_and_go_out_as_markers(server, page, film):
    open_page(page, server.url)
    wait_until(page, "document.getElementById('film').readyState >= 2")
    page.fill("#goto-input", "20")
    page.click("#goto button")
    wait_until(page, "document.getElementById('frame').textContent === '20'")
    page.fill("#film-note-text", "hold the title <longer>")
    page.click("#film-note button")
    page.wait_for_selector("#notes li[data-note]")
    assert page.inner_text("#notes li[data-note] .seek") == format_timecode(20, Fraction(12))
    assert page.inner_text("#notes li[data-note] .note-text") == "hold the title <longer>"
    assert page.inner_text("#notes li[data-note] .by").startswith("Mara Okafor · ")  # who, and when
    page.fill("#goto-input", "90")
    page.click("#goto button")
    wait_until(page, "document.getElementById('frame').textContent === '90'")  # waited for, never raced
    page.click("#notes li[data-note] .seek")  # a note seeks the film to its frame
    wait_until(page, "document.getElementById('frame').textContent === '20'")
    # a note on a take, through the page's own API call
    page.click("#shot-a")
    page.fill("#take-a-1 input", "the gull is too big")
    page.click("#take-a-1 button[type=submit]")
    wait_until(page, "document.querySelectorAll('#notes li[data-note]').length === 2")

    run("export", film, "--format", "otio")
    timeline = json.loads(film.with_suffix(".otio").read_text())
    markers = [marker for marker in timeline["tracks"]["markers"] if marker["metadata"]["longcut"]["source"] == "review"]
    assert [(marker["marked_range"]["start_time"]["value"], marker["metadata"]["longcut"]["note"]) for marker in markers] \
        == [(20, "hold the title <longer>"), (48, "shot a take 1: the gull is too big")]
    run("export", film, "--format", "edl")
    edl = film.with_suffix(".edl").read_text()
    assert "* LOC: 01:00:01:08 BLUE    HOLD THE TITLE <LONGER>" in edl
    assert "* LOC: 01:00:04:00 BLUE    SHOT A TAKE 1: THE GULL IS TOO BIG" in edl
    import opentimelineio as otio

    read = otio.adapters.read_from_file(str(film.with_suffix(".edl")))  # the locators read back as markers
    names = [marker.name for clip in read.find_clips() for marker in clip.markers]
    assert "HOLD THE TITLE <LONGER>" in names


def test_the_page_shows_a_new_take_and_film_without_a_reload(server, page, film):
    open_page(page, server.url)
    before = loads(page)
    run("shot", film, "a", "--take", "new")  # another process's render, as far as the page knows
    wait_until(page, "document.querySelector('#shot-a').textContent.includes('take 2')", seconds=20)
    assert loads(page) > before
    page.click("#shot-a")
    assert page.locator("#shot-panel .take").count() == 2


def test_the_static_folder_plays_from_file_and_is_read_only(film, page, tmp_path, screenshots):
    out = tmp_path / "copy"
    run("review", film, "--static", out)
    assert (out / MARKER).is_file()
    assert len(list((out / "media" / "speech").glob("*.wav"))) == 1  # the spoken line travels with the copy
    assert "</script>" not in (out / "state.js").read_text()  # no text in the state can close its script
    open_page(page, (out / "index.html").as_uri())
    assert [status_of(page, shot) for shot in "abc"] == ["rendered"] * 3
    wait_until(page, "document.getElementById('film').readyState >= 2")
    page.click("#shot-c")
    wait_until(page, "document.querySelector('#take-c-1 video').readyState >= 1")
    assert page.is_disabled("#approve") and page.is_disabled("#take-c-1 .pick")  # decisions need the server
    assert page.is_hidden("#recut")
    assert page.evaluate("window.pwned") is None
    page.screenshot(path=str(screenshots / "review-static.png"), full_page=True)
    run("review", film, "--static", out)  # written again over its own copy
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("mine")
    assert "longcut did not write" in run("review", film, "--static", tmp_path / "mine", code=2).output
    assert "which longcut reads" in run("review", film, "--static", film.parent / ".longcut" / "x", code=2).output


def request(server: ReviewServer, path: str, method: str = "GET", body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{server.port}", **(headers or {})})
    response = connection.getresponse()
    return response.status, response.read()


def test_only_the_films_own_media_are_served(server, film, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the studio's secret")
    for path in ("/media/take/../../film.yaml", "/media/take/%2e%2e/%2e%2e/film.yaml", "/%2e%2e/film.yaml",
                 "/review.js/../film.yaml", "/media/take/..%2f..%2ffilm.yaml", "/film.yaml", "/../../etc/passwd",
                 "/media/take/" + "0" * 64 + ".mp4", "/media/thumb/" + "a" * 64 + ".mp4"):
        status, body = request(server, path)
        assert status in (403, 404) and b"title:" not in body, path
    key = Review.beside(film) and json.loads(film.with_name("film.lock.json").read_text())["shots"]["a"]["key"]
    status, body = request(server, f"/media/take/{key}.mp4")
    assert status == 200 and body[4:8] == b"ftyp"
    status, body = request(server, f"/media/take/{key}.mp4", headers={"Range": "bytes=0-99"})
    assert status == 206 and len(body) == 100
    # a cached thumbnail that is a symlink out of the store is refused, not followed
    thumb = film.parent / ".longcut" / "proxies" / "thumbs" / key[:2] / f"{key}-1.jpg"
    thumb.parent.mkdir(parents=True, exist_ok=True)
    thumb.symlink_to(secret)
    status, body = request(server, f"/media/thumb/{key}.jpg")
    assert status == 404 and b"secret" not in body


def test_writes_must_be_valid_json_from_the_page_itself(server, film):
    good = json.dumps({"shot": "a", "action": "approve", "take": 1}).encode()
    json_type = {"Content-Type": "application/json"}
    assert request(server, "/api/decision", "POST", good, {"Content-Type": "text/plain"})[0] == 403  # a form's post
    assert request(server, "/api/decision", "POST", good, {**json_type, "Origin": "http://evil.example"})[0] == 403
    assert request(server, "/api/state", headers={"Host": "evil.example:80"})[0] == 403  # DNS rebinding
    status, body = request(server, "/api/decision", "POST", b'{"shot": "a", "action": "delete", "take": 1}', json_type)
    assert status == 400 and b"action" in body
    status, body = request(server, "/api/note", "POST", json.dumps({"on": "film", "frame": -1, "text": "x"}).encode(),
                           json_type)
    assert status == 400 and b"frame" in body
    status, body = request(server, "/api/decision", "POST", json.dumps({"shot": "zz", "action": "approve", "take": 1})
                           .encode(), json_type)
    assert status == 409 and b"no shot `zz`" in body
    assert request(server, "/api/note", "POST", b"x" * 70000, json_type)[0] == 413
    assert not review_path(film).exists()  # nothing refused was written
    assert request(server, "/api/decision", "POST", good, json_type)[0] == 200
    assert Review.beside(film).data.decisions["a"].verdict == "approved"


def raw_request(server: ReviewServer, head: bytes, body: bytes = b"") -> bytes:
    """A request written by hand (http.client will not send a negative or non-numeric length); the reply's bytes."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(head + b"\r\n\r\n" + body)
        connection.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    return reply


@pytest.mark.parametrize("length", [b"-400000000", b"abc", b"1e9", b" ", b"99999999999999999999"])
def test_a_bad_content_length_is_refused_and_nothing_is_read(server, film, length, capfd):
    head = (b"POST /api/note HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
            b"Content-Length: " % server.port + length)
    reply = raw_request(server, head, b'{"on": "film", "frame": 1, "text": "x"}')
    assert reply.split(b" ")[1] in (b"400", b"413"), reply[:200]
    assert not review_path(film).exists()
    assert "Traceback" not in capfd.readouterr().err
    assert request(server, "/api/state")[0] == 200  # and the server goes on


def test_forty_notes_at_once_are_all_kept(server, film):
    from concurrent.futures import ThreadPoolExecutor

    def note(index: int) -> int:
        body = json.dumps({"on": "film", "frame": index, "text": f"note {index}"}).encode()
        return request(server, "/api/note", "POST", body, {"Content-Type": "application/json"})[0]

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(note, range(40)))
    assert statuses == [200] * 40
    assert sorted(note.frame for note in Review.beside(film).data.notes) == list(range(40))


def test_notes_outside_the_film_or_the_take_are_refused(server, film):
    json_type = {"Content-Type": "application/json"}
    frames = Project.open(film).last_cut().timeline.total_frames
    for body, words in (({"on": "film", "frame": frames, "text": "x"}, b"past the film's end"),
                        ({"on": "take", "shot": "a", "take": 1, "frame": 10_000, "text": "x"}, b"past the end of take 1"),
                        ({"on": "take", "shot": "a", "take": 7, "frame": 0, "text": "x"}, b"has no take 7")):
        status, reply = request(server, "/api/note", "POST", json.dumps(body).encode(), json_type)
        assert status == 409 and words in reply, reply
    assert not review_path(film).exists()
    body = {"on": "film", "frame": frames - 1, "text": "the last frame"}
    assert request(server, "/api/note", "POST", json.dumps(body).encode(), json_type)[0] == 200


def test_a_server_off_loopback_needs_its_token(film):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and not is_loopback("0.0.0.0")
    serving = ReviewServer(film, token="s3cret-token")  # as on another address, where a token is made
    thread = threading.Thread(target=serving.serve_forever, daemon=True)
    thread.start()
    try:
        assert serving.url.endswith("?token=s3cret-token")
        assert request(serving, "/api/state")[0] == 403
        assert request(serving, "/api/state?token=wrong")[0] == 403
        assert request(serving, "/api/state?token=s3cret-token")[0] == 200
    finally:
        serving.shutdown()


def test_render_retakes_makes_a_new_take_of_each_shot_sent_back(film):
    plan_key = json.loads(film.with_name("film.lock.json").read_text())["shots"]["b"]["key"]
    Review.beside(film).decide("b", "retake", 1, plan_key, "too dark")
    result = run("render", film, "--retakes")
    assert "new takes of the 1 shot(s) sent back: b (take 2)" in result.output
    lock = json.loads(film.with_name("film.lock.json").read_text())
    assert lock["shots"]["b"]["take"] == 2 and lock["shots"]["b"]["picked"] is True
    status = run("status", film).output
    assert "waiting for review (take 1 sent back: too dark)" in status  # the reason stays until it is reviewed
    assert "no shot is waiting for a retake" in run("render", film, "--retakes").output


def test_a_tall_take_plays_as_a_small_proxy_with_every_frame(tmp_path):
    source = make_clip(tmp_path / "tall.mp4", seconds=1, rate=24, size="854x480", sound=False)
    small = proxy(source, "f" * 64, 480, Fraction(24), tmp_path / "store")
    assert small != source and small.is_relative_to(tmp_path / "store" / "proxies")
    assert len(list(decode_frames(small, 640, PROXY_HEIGHT))) == 24
    assert proxy(source, "f" * 64, 480, Fraction(24), tmp_path / "store") == small  # made once
    assert proxy(source, "e" * 64, PROXY_HEIGHT, Fraction(24), tmp_path / "store") == source  # small enough already
    shutil.rmtree(tmp_path / "store")


def test_longcut_review_serves_until_ctrl_c(film):
    """The command itself: it prints the URL, serves the page, and stops cleanly on Ctrl-C (SIGINT)."""
    import signal
    import subprocess
    import sys
    import urllib.request

    # A shell ignores SIGINT for the commands it runs in the background, and the ignoring is inherited: give the
    # server Ctrl-C back, as a terminal would, whatever started the tests.
    process = subprocess.Popen([sys.executable, "-m", "longcut.engine.cli", "review", str(film), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first = process.stdout.readline()
        assert first.startswith(f"reviewing {film} at http://127.0.0.1:"), first + process.stderr.read()
        url = first.split(" at ", 1)[1].strip()
        with urllib.request.urlopen(url + "api/state", timeout=20) as response:
            assert [shot["id"] for shot in json.loads(response.read())["shots"]] == ["a", "b", "c"]
        with urllib.request.urlopen(url, timeout=20) as response:
            assert b'<script src="review.js">' in response.read()
    finally:
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=20)
    assert process.returncode == 0 and "stopped reviewing" in rest and "Traceback" not in errors


# --- the review page as reviewers expect it: threads, one approve, A/B with a wipe, re-cut, contrast, phones -----

CONTRAST = """() => {
    // WCAG 2.1 contrast of every piece of visible text against what is behind it (AA: 4.5:1, 3:1 for large text).
    const parse = (color) => { const [r, g, b, a = 1] = color.match(/[\\d.]+/g).map(Number); return [r, g, b, a]; };
    const luminance = ([r, g, b]) => {
        const channel = (value) => { value /= 255; return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
    const over = (top, bottom) => top.slice(0, 3).map((value, i) => value * top[3] + bottom[i] * (1 - top[3]));
    const behind = (node) => {  // the backgrounds from the page down to the node, composited
        const chain = [];
        for (let at = node; at; at = at.parentElement) chain.unshift(parse(getComputedStyle(at).backgroundColor));
        return chain.reduce((below, layer) => over(layer, below), [255, 255, 255]);
    };
    const failures = [];
    let checked = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const node = text.parentElement;
        if (!text.textContent.trim() || !node.checkVisibility() || node.closest("[disabled], video, .unlabelled")) continue;
        if (node.getClientRects().length === 0) continue;
        const style = getComputedStyle(node);
        const background = behind(node);
        const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        const shown = ratio(luminance(over(parse(style.color), background)), luminance(background));
        const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
        const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
        checked += 1;
        if (shown < needed) failures.push(`${node.tagName}.${node.className} "${text.textContent.trim().slice(0, 30)}": ` +
                                          `${shown.toFixed(2)} < ${needed}`);
    }
    return { checked, failures };
}"""


def note_on_the_film(page, text: str, frame: int = 20):
    wait_until(page, "document.getElementById('film').readyState >= 2")
    page.fill("#goto-input", str(frame))
    page.click("#goto button")
    wait_until(page, f"document.getElementById('frame').textContent === '{frame}'")
    page.fill("#film-note-text", text)
    page.click("#film-note button")


def a_note_with_a_reply(page, text: str, reply: str) -> None:
    note_on_the_film(page, text)
    page.wait_for_selector("#notes li[data-note]")
    page.fill("#notes li[data-note] .reply-text", reply)
    page.click("#notes li[data-note] .reply-form button")
    wait_until(page, "document.querySelectorAll('#notes .replies li').length === 1")


def test_notes_take_replies_and_are_resolved_and_opened_again(server, page, film):
    open_page(page, server.url)
    a_note_with_a_reply(page, "the title is too short", "held 12 frames more")
    assert "held 12 frames more" in page.inner_text("#notes .replies")
    assert page.inner_text("#notes .replies .by").startswith("Mara Okafor · ")
    page.click("#notes li[data-note] .resolve")
    wait_until(page, "document.querySelector('#notes li[data-note]').classList.contains('resolved')")
    assert page.inner_text("#notes .resolved-mark") == "resolved by Mara Okafor"
    note = ReviewData.model_validate_json(review_path(film).read_text()).notes[0]
    assert note.resolved and note.resolved_by == "Mara Okafor" and [reply.text for reply in note.replies] == \
        ["held 12 frames more"]
    page.reload()
    page.wait_for_selector("body[data-loaded]")
    assert page.inner_text("#notes li[data-note] .resolve") == "reopen"  # kept, and it can be opened again
    page.click("#notes li[data-note] .resolve")
    wait_until(page, "!document.querySelector('#notes li[data-note]').classList.contains('resolved')")
    # a reply to a note that is not there is refused, and says so
    status, body = request(server, "/api/note/reply", "POST", b'{"id": "n000000", "text": "hm"}',
                           {"Content-Type": "application/json"})
    assert status == 409 and b"no note" in body


def test_one_approve_action_for_the_take_in_use(server, page, film):
    open_page(page, server.url)
    page.click("#shot-c")
    assert page.locator("#shot-panel button:has-text('approve')").count() == 1
    assert page.inner_text("#approve") == "approve take 2"
    assert page.inner_text("#take-c-2 .pick") == "in use" and page.is_disabled("#take-c-2 .pick")
    page.click("#take-c-1 .pick")
    wait_until(page, "document.getElementById('approve').textContent === 'approve take 1'")
    page.click("#approve")
    wait_until(page, "document.querySelector('#shot-c .badge').textContent === 'approved'")
    assert ReviewData.model_validate_json(review_path(film).read_text()).decisions["c"].take == 1


def test_two_takes_play_in_step_with_a_wipe_between_them(server, page, screenshots):
    open_page(page, server.url)
    page.click("#shot-c")
    page.wait_for_selector("#compare")
    assert page.input_value("#compare-a-take") == "2" and page.input_value("#compare-b-take") == "1"  # in use, other
    wait_until(page, "document.getElementById('compare-a').readyState >= 2 && "
                     "document.getElementById('compare-b').readyState >= 2")
    page.evaluate("() => { const wipe = document.getElementById('wipe'); wipe.value = '30'; "
                  "wipe.dispatchEvent(new Event('input')); }")
    assert page.evaluate("getComputedStyle(document.getElementById('compare-b')).clipPath") == "inset(0px 0px 0px 30%)"
    page.click("#compare-play")
    wait_until(page, "document.getElementById('compare-a').currentTime > 0.6")
    assert not page.evaluate("document.getElementById('compare-b').paused")  # B plays with A
    page.click("#compare-play")
    wait_until(page, "document.getElementById('compare-b').paused && !document.getElementById('compare-b').seeking")
    apart = page.evaluate("Math.abs(document.getElementById('compare-a').currentTime - "
                          "document.getElementById('compare-b').currentTime)")
    assert apart <= 0.5 / 12  # the same frame of both takes
    page.click("#compare-forward")  # a frame on: B follows
    wait_until(page, "!document.getElementById('compare-a').seeking && !document.getElementById('compare-b').seeking")
    wait_until(page, "Math.abs(document.getElementById('compare-a').currentTime - "
                     "document.getElementById('compare-b').currentTime) <= 0.5 / 12")
    page.locator("#compare").screenshot(path=str(screenshots / "review-compare.png"))


def test_the_film_is_cut_again_from_the_page_with_its_progress(server, page, film):
    open_page(page, server.url)
    wait_until(page, "document.getElementById('film').readyState >= 2")
    before = page.evaluate("document.getElementById('film').dataset.src")
    page.click("#shot-c")
    page.click("#take-c-1 .pick")
    wait_until(page, "document.querySelector('#take-c-1').classList.contains('in-use')", seconds=20)
    wait_until(page, "document.getElementById('banner').textContent.includes('cut')", seconds=20)
    page.click("#recut")
    wait_until(page, "document.body.dataset.cut === 'done'", seconds=60)
    assert "cut in" in page.inner_text("#cut-step") or "up to date" in page.inner_text("#cut-step")
    wait_until(page, f"document.getElementById('film').dataset.src !== {json.dumps(before)}")
    the_cut = Project.open(film).last_cut()
    assert next(clip for clip in the_cut.timeline.clips if clip.shot_id == "c").take == 1
    assert the_cut.settings.titles  # cut as it was last cut
    assert server.job_state()["state"] == "done"


@pytest.mark.parametrize("width", [1280, 390])
def test_every_text_on_the_page_is_readable_wcag_aa(server, browser, film, width, screenshots):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, server.url)
        a_note_with_a_reply(page, "a note to see in the list", "a reply")
        page.click("#notes li[data-note] .resolve")
        wait_until(page, "document.querySelector('#notes li.resolved') !== null")
        page.click("#shot-c")
        page.wait_for_selector("#compare")
        contrast = page.evaluate(CONTRAST)
        assert contrast["failures"] == [] and contrast["checked"] > 60  # the notes, the panel, the board, the legend
        page.screenshot(path=str(screenshots / f"review-{width}.png"), full_page=True)
    finally:
        context.close()


def test_the_page_fits_a_phone(server, browser, film, screenshots):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_page(page, server.url)
        page.click("#shot-c")
        page.wait_for_selector("#compare")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the side
        title = page.evaluate("(() => { const h = document.getElementById('title'); "
                              "return [h.getClientRects().length, h.offsetHeight, h.title]; })()")
        assert title[0] == 1 and title[1] < 30 and title[2] == "Review </script><b>me</b>"  # one line, whole in its tip
        # no shot's name is cut: on the strip a name is whole or not there; on the board always whole
        cut_names = page.evaluate("""[...document.querySelectorAll('#strip .item:not(.unlabelled), .shot .id')]
            .filter((node) => node.scrollWidth > node.clientWidth + 1).map((node) => node.textContent)""")
        assert cut_names == []
        assert page.evaluate("[...document.querySelectorAll('.shot .id')].map((node) => node.textContent)") == \
            ["a", "b", "c"]
        page.screenshot(path=str(screenshots / "review-phone.png"), full_page=True)
    finally:
        context.close()


def test_the_shortcuts_are_shown_with_a_question_mark(server, page):
    open_page(page, server.url)
    wait_until(page, "document.getElementById('film').readyState >= 2")
    page.keyboard.press("?")
    wait_until(page, "document.getElementById('keys').open")
    shown = page.inner_text("#keys")
    assert all(key in shown for key in ("space", ",", ".", "[", "]", "?", "Esc"))
    page.keyboard.press("Escape")
    wait_until(page, "!document.getElementById('keys').open")
    page.click("#keys-button")
    wait_until(page, "document.getElementById('keys').open")
    page.click("#keys-close")
    wait_until(page, "!document.getElementById('keys').open")
    page.click("#shot-a")
    wait_until(page, "document.getElementById('current-shot').textContent === 'shot a'")
    page.keyboard.press("]")  # the next shot
    wait_until(page, "document.getElementById('current-shot').textContent === 'shot b'")


def test_notes_written_in_a_static_copy_come_back_with_import(film, page, tmp_path):
    out = tmp_path / "copy"
    run("review", film, "--static", out)
    open_page(page, (out / "index.html").as_uri())
    page.fill("#author", "Jun Ito")
    note_on_the_film(page, "the storm comes too late")
    page.click("#shot-a")
    page.wait_for_selector("#take-a-1 input")
    page.fill("#take-a-1 input", "the gull is too big")
    page.click("#take-a-1 button[type=submit]")
    wait_until(page, "document.querySelectorAll('#notes li.local').length === 2")
    assert "not sent yet" in page.inner_text("#notes")
    page.reload()  # kept in the browser until exported
    page.wait_for_selector("body[data-loaded]")
    assert page.locator("#notes li.local").count() == 2
    with page.expect_download() as downloading:
        page.click("#export-notes")
    exported = tmp_path / "notes.longcut.json"
    downloading.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert [note["text"] for note in data["notes"]] == ["the storm comes too late", "the gull is too big"]
    assert "imported 2 note(s)" in run("review", film, "--import", exported).output
    notes = ReviewData.model_validate_json(review_path(film).read_text()).notes
    assert [(note.on, note.frame, note.author, note.text) for note in notes] == [
        ("film", 20, "Jun Ito", "the storm comes too late"), ("take", 0, "Jun Ito", "the gull is too big")]
    assert "imported 0 note(s)" in run("review", film, "--import", exported).output  # each once
    assert len(ReviewData.model_validate_json(review_path(film).read_text()).notes) == 2
    run("export", film, "--format", "otio")  # and they are markers on the cut at once
    assert "the storm comes too late" in film.with_suffix(".otio").read_text()


def test_an_import_that_does_not_fit_the_film_adds_nothing(film, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text(json.dumps({"longcut_notes": 1, "notes": [
        {"on": "film", "frame": 3, "text": "fine"}, {"on": "film", "frame": 99999, "text": "past the end"}]}))
    said = run("review", film, "--import", bad, code=2).output
    assert "note 2 ('past the end')" in said and "past the film's end" in said and "nothing was imported" in said
    assert not review_path(film).exists()
    bad.write_text('{"longcut_notes": 1, "notes": [{"on": "film", "frame": 1, "text": "x", "run": "os.system"}]}')
    assert "is not a notes file longcut wrote: notes.0.run" in run("review", film, "--import", bad, code=2).output
    assert "no notes file" in run("review", film, "--import", tmp_path / "missing.json", code=2).output


def test_a_page_told_of_a_film_is_served_it_when_it_asks_only_after_a_new_cut(server, film):
    """A busy browser asks for the film it was told of only after a render in another terminal cut it again (the
    CI once saw this as a 404): the version is kept when the page is told of it, not when it is first asked for."""
    status, body = request(server, "/api/state")
    told = json.loads(body)["film"]["url"]
    film_bytes = film.with_suffix(".mp4").read_bytes()
    run("cut", film, "--no-titles")  # the film replaced before the page asked for anything
    status, served = request(server, "/" + told)
    assert status == 200 and served == film_bytes


def test_a_page_still_playing_the_last_cut_is_served_it_after_a_new_cut(server, film):
    """A page asks for ranges of the film it plays while a render in another terminal cuts it again: it gets that
    version to the end (a hard link in the store), never a 404 halfway; the new version is served beside it."""
    status, body = request(server, "/api/state")
    before = json.loads(body)["film"]["url"]
    status, first = request(server, "/" + before)
    assert status == 200
    run("cut", film, "--no-titles")  # the film replaced
    status, body = request(server, "/api/state")
    after = json.loads(body)["film"]["url"]
    assert after != before
    status, again = request(server, "/" + before)
    assert status == 200 and again == first  # the version the page was playing, whole
    status, new = request(server, "/" + after)
    assert status == 200 and new != first


def test_the_server_keeps_one_project_until_a_file_it_read_changes(server, film):
    kept = server.project()
    server.state()
    review_path(film).write_text(json.dumps(ReviewData().model_dump()), encoding="utf-8")  # read afresh, not a source
    assert server.project() is kept  # nothing it was read from changed: not read again
    scene = film.with_name("film.yaml")
    scene.write_text(scene.read_text(encoding="utf-8").replace("title:", "title: Changed", 1).replace(
        "title: Changed", "title:", 1) + "\n", encoding="utf-8")  # the same film, saved again
    again = server.project()
    assert again is not kept and server.project() is again  # opened once more, then kept
    state = server.state()
    lock = film.with_name("film.lock.json")
    written = lock.stat().st_mtime_ns + 1_000_000_000  # a pick in another process, a second later
    os.utime(lock, ns=(written, written))
    assert server.project() is not again
    assert server.state()["shots"] == state["shots"]
