"""The review server (`longcut review FILM`): the page, its state, the media, the reviewer's writes, live events.

The standard library's ThreadingHTTPServer is enough for one reviewer or a few on a local network, and adds
nothing to install. What it guards:
- it binds to 127.0.0.1 unless told otherwise; then every request must carry the token printed with the URL
  (`?token=`), compared in constant time;
- on loopback the Host header must name the server itself (a page on another site that resolves its own name to
  127.0.0.1 is refused: DNS rebinding), and a write must be JSON from the page's own origin (a form on another
  site cannot send `application/json`, and a browser names its Origin);
- only fixed routes are served: the page's three files, the state, events, and media named by a key that is
  looked up in the store; no part of a URL is ever used as a path, so `..` or `%2e%2e` reach nothing, and a
  media file that resolves outside the store or the film's folder (a symlink) is refused;
- every write is validated against the review file's models (engine.review.decisions) before anything is saved,
  then done by the use case (engine.app.review), the same as from the command line;
- a re-cut (`POST /api/cut`) cuts as the film was last cut, one at a time, in a thread; the page polls
  `/api/job` for its progress and draws the film again when it is done.

Live: the page listens to `/api/events` (server-sent events: one long response the browser reconnects by itself,
no library on either side). The server looks at the film's folder and the store's takes twice a second and
sends an event when something changed, a render or a cut in another process included; the page then fetches
the state again.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import mimetypes
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from longcut.storyboard import ScreenplayError

from ..app import review as reviewing
from ..app.cut import cut_again
from ..app.project import Project
from ..errors import LongcutError
from ..outputs import inputs_of
from ..timeline import Cut
from .decisions import AUTHOR_LIMIT, DecisionRequest, NoteRequest, ReplyRequest, ResolveRequest, Review
from .state import keep_stated_film, media_file, page_state

PAGE_FILES = {"/": ("index.html", "text/html; charset=utf-8"), "/index.html": ("index.html", "text/html; charset=utf-8"),
              "/review.js": ("review.js", "text/javascript; charset=utf-8"),
              "/review.css": ("review.css", "text/css; charset=utf-8")}
MEDIA = re.compile(r"^/media/(?P<kind>take|thumb|film|speech|faces)/(?P<key>[0-9a-f]{64})"
                   r"\.(?P<ext>mp4|jpg|wav|png)$")
MEDIA_SUFFIX = {"take": "mp4", "film": "mp4", "thumb": "jpg", "speech": "wav", "faces": "png"}
BODY_LIMIT = 64 * 1024
POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 10
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; media-src 'self'; style-src 'self'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def page_file(name: str) -> bytes:
    return resources.files("longcut.engine.review").joinpath("page", name).read_bytes()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"


class ReviewServer:
    """One film's review, served until shutdown(). It keeps one Project (the screenplay read, checked and planned
    once) and opens the film again only when a file it was read from changed; the state is built for each request
    from it, the store and the review file."""

    def __init__(self, film: Path, store: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, author: str | None = None) -> None:
        self.film = Path(film).resolve()
        self.author = reviewer(author)  # who the notes and verdicts made here are from
        self.store = store
        self.token = None if is_loopback(host) and token is None else (token or secrets.token_urlsafe(24))
        self.lock = threading.Lock()  # one write (or one state) at a time: the files are read and written whole
        self._making: dict[str, threading.Lock] = {}  # one lock per proxy being made: others are served meanwhile
        self._making_guard = threading.Lock()
        self.stopping = threading.Event()
        self._job_guard = threading.Lock()
        self.job: dict = {"state": "idle", "step": None, "done": 0.0, "message": None}  # the page's re-cut
        self._project: Project | None = None
        self._stamp: tuple = ()  # what the files the project was read from looked like (engine.review.server.stamp)
        self._project_guard = threading.Lock()
        self.store_root = self.project().store.root  # a film that does not load is refused now, not on a request
        self.httpd = _Server((host, port), _handler(self))
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_address[1]

    @property
    def url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/" + (f"?token={self.token}" if self.token else "")

    def allowed_hosts(self) -> set[str] | None:
        """The Host headers a request may carry (None: any, since the token guards a server on a network)."""
        if self.token:
            return None
        return {f"{name}:{self.port}" for name in ("127.0.0.1", "localhost", "[::1]", self.host)}

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # what the routes do

    def project(self) -> Project:
        """The film's Project, opened again only when a file it was read from changed (the film, a scene file, a
        reference, a sound, the lock file: engine.review.server.stamp). A film that no longer loads raises, as it
        would on opening; the next request tries again."""
        with self._project_guard:
            if self._project is None or stamp(self._project) != self._stamp:
                self._project = None  # not kept if opening fails
                self._project = Project.open(self.film, self.store)
                self._stamp = stamp(self._project)
            return self._project

    def state(self) -> dict:
        with self.lock:
            project = self.project()
            try:
                cut, notice = project.last_cut(), None
            except LongcutError as error:  # a record of another film, or one a killed cut left: said on the page
                cut, notice = None, f"{error} ({error.hint})" if error.hint else str(error)
            keep_stated_film(cut, project.store.root)
            state = page_state(project, project.plan(), Review.beside(self.film), cut)
            notice = notice or (_behind_notice(project, cut) if cut is not None else None)
            if notice:
                state["notice"] = notice
            return state

    def decide(self, request: DecisionRequest) -> dict:
        with self.lock:
            reviewing.decide(self.project(), request, self.author)
        return {"ok": True}

    def add_note(self, request: NoteRequest) -> dict:
        with self.lock:
            return {"ok": True, "id": reviewing.add_note(self.project(), request, self.author)}

    def reply(self, request: ReplyRequest) -> dict:
        with self.lock:
            reviewing.reply(self.film, request, self.author)
        return {"ok": True}

    def resolve(self, request: ResolveRequest) -> dict:
        with self.lock:
            reviewing.resolve(self.film, request, self.author)
        return {"ok": True}

    def remove_note(self, note_id: str) -> dict:
        with self.lock:
            reviewing.remove_note(self.project(), note_id)
        return {"ok": True}

    # the re-cut: one job at a time, in a thread of its own; the page polls its progress

    def start_cut(self) -> dict:
        with self._job_guard:
            if self.job["state"] == "running":
                raise LongcutError("the film is being cut already", hint="wait for it: the page shows its progress")
            self.job = {"state": "running", "step": "starting", "done": 0.0, "message": None, "started": time.time()}
        threading.Thread(target=self._cut, name="longcut review: cut", daemon=True).start()
        return {"ok": True}

    def _cut(self) -> None:
        def progress(step: str, done: float) -> None:
            with self._job_guard:
                self.job = {**self.job, "step": step, "done": round(done, 3)}

        try:
            result = cut_again(self.project(), on_progress=progress)
        except (LongcutError, ScreenplayError) as error:
            message = f"{error} ({error.hint})" if getattr(error, "hint", None) else str(error)
            state, done = "failed", self.job["done"]
        except Exception as error:  # noqa: BLE001 - said on the page, the server goes on
            message, state, done = f"{type(error).__name__}: {error}", "failed", self.job["done"]
        else:
            message = "the film is up to date" if result.up_to_date else (
                f"cut in {result.seconds:.1f}s: {result.pieces_made} piece(s) made, {result.pieces_reused} reused")
            state, done = "done", 1.0
        with self._job_guard:
            self.job = {**self.job, "state": state, "done": done, "message": message}

    def job_state(self) -> dict:
        with self._job_guard:
            return dict(self.job)

    def media(self, kind: str, key: str) -> Path | None:
        """The file for a media URL, or None; never outside the store or the film's folder."""
        project = self.project()
        cut = project.last_cut() if kind == "film" else None
        with self._making_lock(key):  # made once, while the page's other requests are served
            path = media_file(project, cut, kind, key)
        return path if path is not None and _inside(path, [project.store.root, self.film.parent]) else None

    def _making_lock(self, key: str) -> threading.Lock:
        """The lock for making one media file: a second request for it waits; requests for others do not."""
        with self._making_guard:
            return self._making.setdefault(key, threading.Lock())

    def fingerprint(self) -> str:
        """What changed in the film's folder (one level of subfolders) and among the store's takes."""
        parts = []
        top = _entries(self.film.parent)
        below = [entry for folder in top if folder.is_dir() and not folder.name.startswith(".")  # not the store
                 for entry in _entries(Path(folder.path))]
        for entry in top + below:
            if entry.is_file():
                stat = entry.stat()
                parts.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
        for entry in _entries(self.store_root / "takes"):  # a folder's time changes when a take lands in it
            parts.append(f"{entry.name}:{entry.stat().st_mtime_ns}")
        return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


def stamp(project: Project) -> tuple:
    """What the files a project was read from look like now: the film, its scene files, references and sounds (every
    one the film reads is named by one it read, so none is missed) and the lock file, each one's size and time. A
    stat call a file, not a parse; the review file is read afresh by every request, so it is not among them."""
    files = inputs_of(project.screenplay, lock=project.lock.path)
    return tuple(sorted((str(path), *_stat(path)) for path in files))


def _stat(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except OSError:
        return (-1, -1)
    return (found.st_size, found.st_mtime_ns)


def reviewer(given: str | None) -> str:
    """Who is reviewing: `--as NAME`, else $LONGCUT_AUTHOR, else the login name (cut to the review file's limit)."""
    import getpass

    name = given or os.environ.get("LONGCUT_AUTHOR")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no login name in a container
            name = ""
    return " ".join(name.split())[:AUTHOR_LIMIT]


def _behind_notice(project: Project, cut: Cut) -> str | None:
    behind = project.cut_is_behind(cut)
    if not behind:
        return None
    return (f"the film was cut before the lock file last changed (shots {', '.join(behind)} now use other takes): "
            f"cut it again (the button beside the film, or longcut cut {project.screenplay.path.name})")


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _inside(path: Path, roots: list[Path]) -> bool:
    real = os.path.realpath(path)
    return any(os.path.commonpath([real, os.path.realpath(root)]) == os.path.realpath(root) for root in roots)


def _handler(server: ReviewServer):
    class Handler(BaseHTTPRequestHandler):
        server_version = "longcut-review"
        sys_version = ""

        def log_message(self, format, *args) -> None:  # quiet: the terminal shows the URL, not every request
            pass

        # the gate every request passes

        def _allowed(self) -> tuple[bool, str, dict]:
            split = urlsplit(self.path)
            query = parse_qs(split.query)
            hosts = server.allowed_hosts()
            if hosts is not None and self.headers.get("Host", "") not in hosts:
                return False, split.path, query
            if server.token is not None:
                given = (query.get("token") or [""])[0]
                if not hmac.compare_digest(given.encode(), server.token.encode()):
                    return False, split.path, query
            return True, split.path, query

        def handle_one_request(self) -> None:
            """Any failure the routes do not foresee is a 500 with a message, never a traceback on the terminal."""
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                self.close_connection = True
            except Exception as error:  # noqa: BLE001 - the last guard: the server goes on serving
                self.close_connection = True
                try:
                    self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(error).__name__}: {error}")
                except OSError:
                    pass

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            allowed, path, _ = self._allowed()
            if not allowed:
                return self._send(Reply(HTTPStatus.FORBIDDEN, b'{"error": "forbidden"}'))
            if path == "/favicon.ico":  # none: said without an error in the browser's console
                return self._send(Reply(HTTPStatus.NO_CONTENT, b""))
            if path in PAGE_FILES:
                name, content_type = PAGE_FILES[path]
                return self._send(Reply(HTTPStatus.OK, page_file(name), content_type))
            if path == "/api/state":
                return self._json(server.state)
            if path == "/api/job":
                return self._json(server.job_state)
            if path == "/api/events":
                return self._events()
            match = MEDIA.match(path)
            if match and MEDIA_SUFFIX[match["kind"]] == match["ext"]:
                try:
                    found = server.media(match["kind"], match["key"])
                except (LongcutError, ScreenplayError, OSError):
                    found = None
                if found is not None:
                    return self._file(found)
            return self._send(Reply(HTTPStatus.NOT_FOUND, b'{"error": "not found"}'))

        def do_POST(self) -> None:  # noqa: N802
            allowed, path, _ = self._allowed()
            origin = self.headers.get("Origin")
            same_origin = origin is None or origin == f"http://{self.headers.get('Host', '')}"
            json_body = self.headers.get("Content-Type", "").split(";")[0].strip() == "application/json"
            if not (allowed and same_origin and json_body):
                return self._send(Reply(HTTPStatus.FORBIDDEN, b'{"error": "forbidden"}'))
            written = self.headers.get("Content-Length")
            if written is None or self.headers.get("Transfer-Encoding"):
                self.close_connection = True
                return self._error(HTTPStatus.LENGTH_REQUIRED, "a write carries its Content-Length (no chunked body)")
            if not written.strip().isdigit():  # a negative or non-numeric length is never read
                self.close_connection = True
                return self._error(HTTPStatus.BAD_REQUEST, f"Content-Length {written[:20]!r} is not a number of bytes")
            length = int(written)
            if length > BODY_LIMIT:
                self.close_connection = True
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                   f"a write is at most {BODY_LIMIT} bytes; this one says {length}")
            body = self.rfile.read(length)
            routes = {"/api/decision": (DecisionRequest, server.decide), "/api/note": (NoteRequest, server.add_note),
                      "/api/note/delete": (_NoteId, lambda request: server.remove_note(request.id)),
                      "/api/note/reply": (ReplyRequest, server.reply), "/api/note/resolve": (ResolveRequest, server.resolve),
                      "/api/cut": (_Nothing, lambda request: server.start_cut())}
            if path not in routes:
                return self._send(Reply(HTTPStatus.NOT_FOUND, b'{"error": "not found"}'))
            model, action = routes[path]
            try:
                request = model.model_validate_json(body)
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "the request"
                return self._error(HTTPStatus.BAD_REQUEST, f"{where}: {first['msg']}")
            self._json(lambda: action(request))

        # replies

        def _json(self, make) -> None:
            try:
                data = make()
            except (LongcutError, ScreenplayError) as error:
                return self._error(HTTPStatus.CONFLICT, str(error), getattr(error, "hint", None))
            self._send(Reply(HTTPStatus.OK, json.dumps(data).encode("utf-8")))

        def _error(self, status: int, message: str, hint: str | None = None) -> None:
            self._send(Reply(status, json.dumps({"error": message, "hint": hint}).encode("utf-8")))

        def _send(self, reply: Reply, headers: dict | None = None) -> None:
            self.send_response(reply.status)
            for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        def _file(self, path: Path) -> None:
            """A media file, whole or the one byte range asked for (a video element seeks with ranges)."""
            size = path.stat().st_size
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            start, end, status = 0, size - 1, HTTPStatus.OK
            wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
            if wanted and (wanted[1] or wanted[2]):
                if wanted[1]:
                    start, end = int(wanted[1]), min(int(wanted[2]) if wanted[2] else size - 1, size - 1)
                else:  # the last N bytes
                    start = max(0, size - int(wanted[2]))
                if start > end:
                    self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.end_headers()
                    return
                status = HTTPStatus.PARTIAL_CONTENT
            self.send_response(status)
            for name, value in SECURITY_HEADERS.items():
                if name != "Cache-Control":
                    self.send_header(name, value)
            self.send_header("Cache-Control", "private, max-age=3600")
            self.send_header("Content-Type", content_type)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start + 1))
            if status == HTTPStatus.PARTIAL_CONTENT:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            with open(path, "rb") as handle:
                handle.seek(start)
                left = end - start + 1
                try:
                    while left > 0:
                        chunk = handle.read(min(left, 256 * 1024))
                        if not chunk:
                            break
                        self.wfile.write(chunk)
                        left -= len(chunk)
                except (BrokenPipeError, ConnectionResetError):  # the player moved on to another range
                    pass

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            last, beat = None, time.monotonic()
            try:
                while not server.stopping.is_set():
                    now = server.fingerprint()
                    if now != last:
                        self.wfile.write(f"event: changed\ndata: {now}\n\n".encode())
                        self.wfile.flush()
                        last, beat = now, time.monotonic()
                    elif time.monotonic() - beat > HEARTBEAT_SECONDS:
                        self.wfile.write(b": still here\n\n")
                        self.wfile.flush()
                        beat = time.monotonic()
                    server.stopping.wait(POLL_SECONDS)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


class _Server(ThreadingHTTPServer):
    """A backlog for a page's burst of requests (the default 5 resets connections), and no traceback printed for
    a connection that broke."""

    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass


class _NoteId(BaseModel):
    id: str


class _Nothing(BaseModel):
    """A request with nothing to say ({}): the re-cut uses the last cut's settings."""

    model_config = ConfigDict(extra="forbid")
