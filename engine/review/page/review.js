// The longcut review page: plain JavaScript, no framework and no build step.
// Every text from the film (prompts, dialogue, notes) is set with textContent, never as markup.
"use strict";

const STATIC = typeof window.LONGCUT_STATE === "object";  // a folder written by `longcut review --static`
const TOKEN = new URLSearchParams(location.search).get("token");
let state = null;
let chosen = null;  // the shot shown in the shot panel
let currentShot = null;  // the shot under the playhead
const drafts = {};  // what is being typed in the shot panel, kept across redraws (a live update redraws it)
const compare = { shot: null, a: null, b: null, wipe: 50 };  // the two takes side by side in one frame, and the wipe

const $ = (id) => document.getElementById(id);
const film = $("film");

// --- small helpers -------------------------------------------------------------------------------------

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "style") Object.assign(node.style, value);  // through CSSOM: the page's CSP forbids inline style
    else node.setAttribute(name, value);
  }
  for (const child of [].concat(children)) if (child) node.append(child);
  return node;
}

function withToken(url) {
  return TOKEN ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(TOKEN)}` : url;
}

const fps = () => state.fps[0] / state.fps[1];
const statusClass = (status) => "status-" + status.replace(/ /g, "-");

// Timecode exactly as storyboard.units.format_timecode writes it (drop-frame at 29.97 and 59.94); the tests
// compare the two over thousands of frames.
function timecode(frames, spec = state.timecode) {
  const { nominal, dropped, separator } = spec;
  const day = 24;
  let f = frames;
  if (dropped) {
    const perTen = nominal * 600 - dropped * 9;
    f %= perTen * 6 * day;
    const tens = Math.floor(f / perTen), rest = f % perTen;
    f += dropped * 9 * tens;
    if (rest > dropped) f += dropped * Math.floor((rest - dropped) / (nominal * 60 - dropped));
  }
  f %= nominal * 3600 * day;
  const two = (n) => String(n).padStart(2, "0");
  return `${two(Math.floor(f / (nominal * 3600)))}:${two(Math.floor(f / (nominal * 60)) % 60)}:` +
         `${two(Math.floor(f / nominal) % 60)}${separator}${two(f % nominal)}`;
}

// A timecode (HH:MM:SS:FF or ;FF) or a frame number, as frames; null when it is neither.
function framesOf(text) {
  text = text.trim();
  if (/^\d+$/.test(text)) return parseInt(text, 10);
  const m = text.match(/^(\d{1,2}):(\d{2}):(\d{2})[:;.](\d{2})$/);
  if (!m) return null;
  const { nominal, dropped } = state.timecode;
  const [h, mi, s, f] = m.slice(1).map(Number);
  const minutes = h * 60 + mi;
  let counted = (minutes * 60 + s) * nominal + f;
  if (dropped) counted -= dropped * (minutes - Math.floor(minutes / 10));
  return counted;
}

// The frame a video shows, and how to show a frame: frame f is on screen from f/fps to (f+1)/fps, so seek to
// its middle.
const frameOf = (video) => Math.floor(video.currentTime * fps() + 1e-6);
function seek(video, frame) {
  video.pause();
  if (video.readyState === 0) {  // not loaded yet (the film's proxy is made on first open): seek once it is
    video.dataset.pending = String(frame);
    video.addEventListener("loadedmetadata", () => {
      if (video.dataset.pending !== undefined) seek(video, Number(video.dataset.pending));
    }, { once: true });
    return;
  }
  delete video.dataset.pending;
  video.currentTime = (frame + 0.5) / fps();
}

async function api(path, body) {
  const response = await fetch(withToken(path), {
    method: body ? "POST" : "GET",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error + (data.hint ? ` (${data.hint})` : ""));
  return data;
}

function banner(text, isError = false) {
  const node = $("banner");
  node.hidden = !text;
  node.textContent = text || "";
  node.classList.toggle("error", isError);
}

async function act(path, body, done) {
  try {
    await api(path, body);
    if (done) done();
    banner("");
    await refresh();
  } catch (error) {
    banner(error.message, true);
  }
}

// --- drawing the page from the state ---------------------------------------------------------------------

function draw() {
  document.title = `${state.title} · longcut review`;
  $("title").textContent = state.title;
  $("title").title = state.title;  // the whole title, where a narrow screen cuts it
  drawLegend();
  drawFilm();
  drawBoard();
  drawNotes();
  drawIdentity();
  drawFlags();
  if (chosen) drawShotPanel(chosen);
  follow();
}

function drawLegend() {
  const counts = {};
  for (const shot of state.shots) counts[shot.status] = (counts[shot.status] || 0) + 1;
  $("legend").replaceChildren(...state.statuses.map((status) =>
    el("span", { class: `badge ${statusClass(status)}`, text: `${status}: ${counts[status] || 0}` })));
  $("live").textContent = STATIC ? "a copy: read only" : "live (server-sent events)";
}

function drawFilm() {
  const cut = state.film;
  // the server's word on the cut record: one of another film (a stopped cut), or a cut older than the lock file
  if (state.notice && !$("banner").classList.contains("error")) banner(state.notice);
  $("no-film").hidden = !!cut;
  film.hidden = !cut;
  if (!cut) return;
  const url = withToken(cut.url);
  if (film.dataset.src !== url) {
    const at = film.dataset.src ? frameOf(film) : 0;
    film.dataset.src = url;
    film.src = url;
    seek(film, Math.min(at, cut.frames - 1));  // once it has loaded, unless a shot is chosen meanwhile
  }
  const statuses = Object.fromEntries(state.shots.map((shot) => [shot.id, shot.status]));
  const filmNotes = state.notes.filter((note) => note.on === "film");
  if (!unchanged("strip", [cut, statuses, state.flags, filmNotes])) drawStrip(cut, statuses, filmNotes);
  const mismatch = cut.items.filter((item) => item.kind === "clip").some((item) => {
    const shot = state.shots.find((candidate) => candidate.id === item.shot);
    return !shot || shot.take !== item.take;
  });
  if (mismatch && !$("banner").classList.contains("error")) {
    banner("The film was cut with other takes than the ones now chosen: run `longcut cut FILM` to see them in it.");
  }
}

function drawStrip(cut, statuses, filmNotes) {
  const width = (frames) => `${(100 * frames) / cut.frames}%`;
  const items = cut.items.map((item) => el("div", {
    class: item.kind === "card" ? "item card" : `item ${statusClass(statuses[item.shot] || "to do")}`,
    style: { left: width(item.record_in), width: width(item.record_out - item.record_in) },
    title: item.kind === "card" ? `${item.card} card` : `${item.shot} (take ${item.take})`,
    text: item.kind === "card" ? item.card : item.shot,
    dataset: { shot: item.shot || "" },
    onclick: () => { seek(film, item.record_in); if (item.shot) choose(item.shot); },
  }));
  const flags = state.flags.map((flag) => el("div", { class: "flag", style: { left: width(flag.frame) },
                                                      title: `${flag.timecode} ${flag.what}` }));
  const notes = filmNotes.map((note) =>
    el("div", { class: "note-mark", style: { left: width(note.frame) }, title: note.text }));
  $("strip").replaceChildren(...items, ...flags, ...notes, el("div", { class: "playhead", id: "playhead" }));
  fitStripLabels();
  currentShot = undefined;  // the new items are marked by the next follow()
}

// A shot's name on the strip is shown whole or not at all (its tooltip and the board have it): never cut to a
// few letters, on a phone's narrow strip.
function fitStripLabels() {
  for (const item of document.querySelectorAll("#strip .item")) {
    item.classList.remove("unlabelled");
    if (item.scrollWidth > item.clientWidth + 1) item.classList.add("unlabelled");
  }
}
window.addEventListener("resize", () => { if (state && state.film) fitStripLabels(); });

// What a part of the page was last drawn from: a live update that changes nothing there leaves its nodes alone,
// so a click on them is never lost to a redraw (and nothing flickers).
const drawnFrom = {};
function unchanged(part, data) {
  const signature = JSON.stringify(data);
  if (drawnFrom[part] === signature) return true;
  drawnFrom[part] = signature;
  return false;
}

function drawBoard() {
  const flagged = {};
  for (const flag of state.flags) flagged[flag.shot] = (flagged[flag.shot] || 0) + 1;
  if (!unchanged("board", [state.shots.map((shot) => [shot.id, shot.status, shot.take, shot.thumb, shot.heading,
                                                      shot.scene, shot.seconds]), flagged])) {
    $("board").replaceChildren(...state.shots.map((shot) => el("article", {
      class: "shot", id: `shot-${shot.id}`, dataset: { shot: shot.id }, tabindex: "0",
      onclick: () => { choose(shot.id); const item = clipOf(shot.id); if (item) seek(film, item.record_in); },
    }, [
      shot.thumb ? el("img", { src: withToken(shot.thumb), alt: `first frame of ${shot.id}`, loading: "lazy" })
                 : el("div", { class: "empty", text: "not rendered" }),
      el("div", { class: "meta" }, [
        el("div", {}, [el("span", { class: "id", text: shot.id }), " ",
                       el("span", { class: `badge ${statusClass(shot.status)}`, text: shot.status })]),
        el("div", { class: "muted", text: shot.heading || shot.scene }),
        el("div", { class: "muted", text: `${shot.seconds.toFixed(1)} s · take ${shot.take}` +
                                          (flagged[shot.id] ? ` · ${flagged[shot.id]} flag(s)` : "") }),
      ]),
    ])));
    currentShot = undefined;  // the new cards are marked by the next follow()
  }
  for (const node of document.querySelectorAll(".shot")) node.classList.toggle("chosen", node.dataset.shot === chosen);
}

function clipOf(shotId) {
  return state.film ? state.film.items.find((item) => item.shot === shotId) : null;
}

function choose(shotId) {
  chosen = shotId;
  drawShotPanel(shotId);
  for (const node of document.querySelectorAll(".shot")) node.classList.toggle("chosen", node.dataset.shot === shotId);
}

// A text field whose text survives the panel being drawn again; sent() forgets it once it has been sent.
function draft(tag, key, props) {
  const field = el(tag, { ...props, dataset: { draft: key }, oninput: () => { drafts[key] = field.value; } });
  field.value = drafts[key] || "";
  return field;
}
const sent = (key) => () => { delete drafts[key]; };

function drawShotPanel(shotId) {
  const shot = state.shots.find((candidate) => candidate.id === shotId);
  const panel = $("shot-panel");
  if (!shot) { panel.hidden = true; return; }
  panel.hidden = false;
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.draft : null;
  const verdict = shot.verdict;
  const noteKey = `verdict-${shot.id}`;
  const note = draft("textarea", noteKey, { id: "verdict-note", rows: "2", maxlength: "2000",
                                            placeholder: "what is wrong (sent with a retake) or a word with an approval" });
  const disabled = STATIC ? "disabled" : undefined;
  panel.replaceChildren(...[
    el("h2", {}, [`Shot ${shot.id} `, el("span", { class: `badge ${statusClass(shot.status)}`, text: shot.status })]),
    el("div", { class: "muted", text: `${shot.heading || shot.scene} · ${shot.frames} frames · take ${shot.take} in use` }),
    el("p", { class: "prompt", text: shot.prompt }),
    ...shot.dialogue.map((line) => el("div", { class: "dialogue" }, [
      line.speech ? el("button", { class: "speak", title: "hear the line as the scratch voice speaks it",
                                   onclick: () => new Audio(withToken(line.speech)).play() }, "\u25B6") : null,
      el("span", { class: "speaker", text: line.speaker }), el("span", { text: line.line })])),
    verdict ? el("p", { class: "muted", text: `${verdict.verdict} (take ${verdict.take})` +
                                             (verdict.note ? `: ${verdict.note}` : "") }) : null,
    el("div", { class: "verdict-form" }, [
      note,
      el("button", { id: "approve", disabled, title: "approve the take in use (use another take first to approve it)",
                     onclick: () => act("api/decision", { shot: shot.id, action: "approve", take: shot.take,
                                                          note: note.value }, sent(noteKey)) }, `approve take ${shot.take}`),
      el("button", { id: "retake", disabled, title: "send the take in use back, with the note saying what is wrong",
                     onclick: () => act("api/decision", { shot: shot.id, action: "retake", take: shot.take,
                                                          note: note.value }, sent(noteKey)) }, `retake`),
    ]),
    el("h2", { text: "Takes" }),
    el("div", { class: "takes" }, shot.takes.map((take) => drawTake(shot, take))),
    shot.takes.length > 1 ? drawCompare(shot) : null,
    ...state.flags.filter((flag) => flag.shot === shot.id).map((flag) =>
      el("p", { class: "muted" }, [el("a", { href: "#", class: "seek", text: flag.timecode,
                                             onclick: (event) => { event.preventDefault(); seek(film, flag.frame); } }),
                                   `${flag.what}: ${flag.message}`])),
  ].filter(Boolean));
  const again = focused && panel.querySelector(`[data-draft="${CSS.escape(focused)}"]`);
  if (again) again.focus();
}

function drawTake(shot, take) {
  const video = el("video", { src: withToken(take.url), controls: "", preload: "metadata", playsinline: "",
                              dataset: { take: String(take.take) } });
  const textKey = `take-note-${shot.id}-${take.take}`;
  const text = draft("input", textKey, { placeholder: "a note at this frame of the take", maxlength: "2000",
                                         "aria-label": `note on take ${take.take}` });
  return el("div", { class: "take" + (take.in_use ? " in-use" : ""), id: `take-${shot.id}-${take.take}` }, [
    video,
    el("div", {}, [el("strong", { text: `take ${take.take}` }), take.in_use ? " · in use" : ""]),
    el("div", { class: "muted", text: `seed ${take.seed} · ${take.backend}` + (take.model ? ` · ${take.model}` : "") }),
    el("div", { class: "actions" }, [
      el("button", { class: "pick", disabled: take.in_use || STATIC ? "disabled" : undefined,
                     onclick: () => act("api/decision", { shot: shot.id, action: "pick", take: take.take }) },
         take.in_use ? "in use" : "use this take"),
    ]),
    el("form", { class: "inline note-form", onsubmit: (event) => {
      event.preventDefault();
      if (!text.value.trim()) return;
      pinNote({ on: "take", shot: shot.id, take: take.take, frame: frameOf(video), text: text.value })
        .then(sent(textKey)).then(() => { if (STATIC) text.value = ""; });
    } }, [text, el("button", { type: "submit" }, "pin note")]),
  ]);
}

// --- two takes compared: one frame, B over A, a wipe between them; one play button, B follows A's clock ------

function drawCompare(shot) {
  const numbers = shot.takes.map((take) => take.take);
  if (compare.shot !== shot.id || !numbers.includes(compare.a) || !numbers.includes(compare.b)) {
    const inUse = shot.takes.find((take) => take.in_use) || shot.takes[0];
    const other = shot.takes.filter((take) => take !== inUse).slice(-1)[0];
    Object.assign(compare, { shot: shot.id, a: inUse.take, b: other.take });
  }
  const urlOf = (number) => withToken(shot.takes.find((take) => take.take === number).url);
  const a = el("video", { id: "compare-a", src: urlOf(compare.a), preload: "auto", playsinline: "", muted: "" });
  const b = el("video", { id: "compare-b", src: urlOf(compare.b), preload: "auto", playsinline: "", muted: "" });
  a.muted = b.muted = true;
  const line = el("div", { class: "wipe-line" });
  const wipe = (percent) => {
    compare.wipe = percent;
    b.style.clipPath = `inset(0 0 0 ${percent}%)`;  // B shows right of the line, A left of it
    line.style.left = `${percent}%`;
  };
  const slider = el("input", { id: "wipe", type: "range", min: "0", max: "100", value: String(compare.wipe),
                               "aria-label": "the wipe between take A (left) and take B (right)",
                               oninput: () => wipe(Number(slider.value)) });
  wipe(compare.wipe);
  const follow = () => {  // B keeps to A's frame: within half a frame, else it is moved there
    if (Math.abs(b.currentTime - a.currentTime) > 0.5 / fps()) b.currentTime = a.currentTime;
  };
  for (const name of ["seeked", "timeupdate"]) a.addEventListener(name, follow);
  a.addEventListener("play", () => { follow(); b.play().catch(() => {}); $("compare-play").textContent = "pause both"; });
  a.addEventListener("pause", () => { b.pause(); follow(); $("compare-play").textContent = "play both"; });
  a.addEventListener("ended", () => b.pause());
  const choice = (which) => el("select", { id: `compare-${which}-take`, "aria-label": `take ${which.toUpperCase()}`,
                                           onchange: (event) => { compare[which] = Number(event.target.value);
                                                                  drawShotPanel(shot.id); } },
    numbers.map((number) => {
      const option = el("option", { value: String(number), text: `take ${number}` });
      option.selected = number === compare[which];
      return option;
    }));
  return el("div", { class: "compare", id: "compare" }, [
    el("h2", { text: "Compare takes" }),
    el("div", { class: "compare-controls" }, [
      el("label", {}, ["A ", choice("a")]), el("label", {}, ["B ", choice("b")]),
      el("button", { id: "compare-play", onclick: () => (a.paused ? a.play() : a.pause()) }, "play both"),
      el("button", { id: "compare-back", title: "one frame back", onclick: () => step(a, -1) }, "\u25C0\u258E"),
      el("button", { id: "compare-forward", title: "one frame on", onclick: () => step(a, 1) }, "\u258E\u25B6"),
      slider,
    ]),
    el("div", { class: "compare-stage" }, [a, b, line,
      el("span", { class: "compare-label left", text: `A · take ${compare.a}` }),
      el("span", { class: "compare-label right", text: `B · take ${compare.b}` })]),
  ]);
}

function step(video, by) {
  const last = Math.max(0, Math.round(video.duration * fps()) - 1);
  seek(video, Math.max(0, Math.min(last, frameOf(video) + by)));
}

function byWhom(item) {
  // who said it and when, as the file keeps them ("" in notes from before authors were kept)
  const when = item.at ? item.at.replace("T", " ").slice(0, 16) : "";
  return [item.author, when].filter(Boolean).join(" · ");
}

function drawNotes() {
  // every note in one list: those pinned to frames (with their replies, resolved or open), what was said with a
  // verdict (a retake's reason), and in a static copy the notes written in it, not sent yet
  const notes = [...state.notes, ...copyNotes()].map(drawNote);
  const verdicts = (state.verdicts || []).map((verdict) => el("li", { class: "verdict-note", dataset: {
      shot: verdict.shot } }, [
    el("a", { href: "#", class: "seek", text: `${verdict.shot} take ${verdict.take}`,
              onclick: (event) => { event.preventDefault(); choose(verdict.shot); } }),
    el("span", { class: `badge ${statusClass(verdict.verdict === "retake" ? "retake" : "approved")}`,
                 text: verdict.verdict }),
    el("span", { class: "note-text", text: verdict.note }),
    el("span", { class: "muted by", text: byWhom(verdict) }),
  ]));
  $("notes").replaceChildren(...notes, ...verdicts);
  if (!notes.length && !verdicts.length) $("notes").append(el("li", { class: "muted", text: "no notes yet" }));
}

function drawNote(note) {
  const where = note.on === "film" ? timecode(note.frame) : `${note.shot} take ${note.take} frame ${note.frame}`;
  const live = !STATIC && !note.local;
  const replyKey = `reply-${note.id}`;
  const reply = live ? draft("input", replyKey, { class: "reply-text", placeholder: "reply", maxlength: "2000",
                                                 "aria-label": "reply to this note" }) : null;
  return el("li", { class: "note" + (note.resolved ? " resolved" : "") + (note.local ? " local" : ""),
                    dataset: { note: note.id } }, [
    el("div", { class: "note-head" }, [
      el("a", { href: "#", class: "seek", text: where, onclick: (event) => { event.preventDefault(); seekNote(note); } }),
      el("span", { class: "note-text", text: note.text }),
      el("span", { class: "muted by", text: byWhom(note) }),
      note.resolved ? el("span", { class: "badge status-approved resolved-mark",
                                   text: "resolved" + (note.resolved_by ? ` by ${note.resolved_by}` : "") }) : null,
      note.local ? el("span", { class: "badge status-waiting-for-review", text: "not sent yet" }) : null,
      live ? el("button", { class: "resolve", onclick: () => act("api/note/resolve", { id: note.id,
                                                                                         resolved: !note.resolved }) },
                note.resolved ? "reopen" : "resolve") : null,
      live ? el("button", { class: "remove", title: "remove this note",
                            onclick: () => act("api/note/delete", { id: note.id }) }, "remove") : null,
      note.local ? el("button", { class: "remove", onclick: () => forgetCopyNote(note.id) }, "remove") : null,
    ]),
    (note.replies || []).length ? el("ul", { class: "replies" }, note.replies.map((answer) => el("li", {}, [
      el("span", { class: "reply-body", text: answer.text }), el("span", { class: "muted by", text: byWhom(answer) }),
    ]))) : null,
    live ? el("form", { class: "inline reply-form", onsubmit: (event) => {
      event.preventDefault();
      if (reply.value.trim()) act("api/note/reply", { id: note.id, text: reply.value }, sent(replyKey));
    } }, [reply, el("button", { type: "submit" }, "reply")]) : null,
  ]);
}

// --- notes written in a static copy: kept in this browser, exported as a file for `longcut review --import` ----

const COPY_KEY = () => `longcut-notes:${state.film ? state.film.url : state.title}`;

let memoryNotes = null;  // the copy's notes as last kept (where the browser keeps no storage for file://, only here)

function copyNotes() {
  if (!STATIC) return [];
  if (memoryNotes) return memoryNotes;
  try { return JSON.parse(localStorage.getItem(COPY_KEY()) || "[]"); } catch (error) { return []; }
}

function keepCopyNotes(notes) {
  try { localStorage.setItem(COPY_KEY(), JSON.stringify(notes)); } catch (error) { /* kept for this visit only */ }
  memoryNotes = notes;
}

function addCopyNote(note) {
  const author = $("author").value.trim();
  try { localStorage.setItem("longcut-author", author); } catch (error) { /* not kept */ }
  const notes = [...copyNotes()];
  notes.push({ ...note, at: new Date().toISOString().slice(0, 19) + "+00:00", author,
               id: `local-${Date.now()}-${notes.length}`, local: true });
  keepCopyNotes(notes);
  drawNotes();
}

function forgetCopyNote(id) {
  keepCopyNotes(copyNotes().filter((note) => note.id !== id));
  drawNotes();
}

function exportCopyNotes() {
  const notes = copyNotes().map(({ on, shot, take, frame, text, at, author }) =>
    ({ on, shot: shot || null, take: take || null, frame, text, at, author }));
  if (!notes.length) { banner("no notes written in this copy yet", true); return; }
  const version = state.film ? state.film.url.split("/").pop().replace(/\.mp4$/, "") : "";
  const file = { longcut_notes: 1, film: state.title, film_version: version, notes };
  const link = el("a", { href: URL.createObjectURL(new Blob([JSON.stringify(file, null, 1)],
                                                            { type: "application/json" })),
                         download: "notes.longcut.json" });
  document.body.append(link);
  link.click();
  link.remove();
  banner(`exported ${notes.length} note(s) as notes.longcut.json: send it back, to be taken in with ` +
         "longcut review FILM --import notes.longcut.json");
}

function pinNote(note) {
  // a note at a frame: saved by the server, or kept in this browser in a static copy
  if (STATIC) { addCopyNote(note); return Promise.resolve(); }
  return act("api/note", note);
}

function seekNote(note) {
  if (note.on === "film") { seek(film, note.frame); return; }
  choose(note.shot);
  const video = document.querySelector(`#take-${CSS.escape(note.shot)}-${note.take} video`);
  if (video) seek(video, note.frame);
}

function drawIdentity() {
  // a row per character: how alike its face is from shot to shot, and that face in each shot, to see where it drifts
  const identity = state.identity;
  const rows = identity.characters.map((row) => el("li", { class: "identity" }, [
    el("span", { class: "who", text: row.name }),
    el("span", { class: "muted", text: row.consistency === null
      ? `seen in ${row.seen_in} of ${row.shots} shot(s)`
      : `seen in ${row.seen_in} of ${row.shots} shot(s) · consistency ${row.consistency.toFixed(2)} · lowest in ` +
        `${row.lowest.shot} (${row.lowest.similarity.toFixed(2)})` }),
    row.strip ? el("img", { class: "faces", src: withToken(row.strip), title: row.strip_shots.join(" · "),
                            alt: `${row.name} in ${row.strip_shots.join(", ")}` }) : "",
  ]));
  $("identity").replaceChildren(...rows);
  if (!rows.length) $("identity").append(el("li", { class: "muted", text: identity.why || "no one is named" }));
}

function drawFlags() {
  $("flags").replaceChildren(...state.flags.map((flag) => el("li", {}, [
    el("a", { href: "#", class: "seek", text: flag.timecode,
              onclick: (event) => { event.preventDefault(); seek(film, flag.frame); choose(flag.shot); } }),
    `${flag.shot} · ${flag.what}: ${flag.message}`,
  ])));
  if (!state.flags.length) $("flags").append(el("li", { class: "muted", text: state.film ? "nothing flagged" :
                                                                               "no continuity report yet" }));
}

// --- the player ---------------------------------------------------------------------------------------------

function follow() {
  if (!state || !state.film) return;
  const frame = Math.min(frameOf(film), state.film.frames - 1);
  $("timecode").textContent = timecode(frame);
  $("frame").textContent = String(frame);
  const playhead = $("playhead");
  if (playhead) playhead.style.left = `${(100 * frame) / state.film.frames}%`;
  const item = state.film.items.find((candidate) => candidate.record_in <= frame && frame < candidate.record_out &&
                                                    candidate.kind === "clip") || null;
  const shot = item ? item.shot : null;
  if (shot !== currentShot || !document.querySelector(".shot.current") === !!shot) {
    currentShot = shot;
    $("current-shot").textContent = shot ? `shot ${shot}` : "";
    for (const node of document.querySelectorAll(".shot, #strip .item")) {
      node.classList.toggle("current", !!shot && node.dataset.shot === shot);
    }
  }
}

function showLoading() {
  $("loading").hidden = !state || !state.film || film.readyState >= 2;
}

function watchFrames() {
  for (const name of ["loadstart", "loadeddata", "canplay", "emptied"]) film.addEventListener(name, showLoading);
  if (film.requestVideoFrameCallback) {
    const onFrame = () => { follow(); film.requestVideoFrameCallback(onFrame); };
    film.requestVideoFrameCallback(onFrame);
  }
  for (const name of ["timeupdate", "seeked", "loadeddata"]) film.addEventListener(name, follow);
}

$("play").addEventListener("click", () => (film.paused ? film.play() : film.pause()));
film.addEventListener("play", () => { $("play").textContent = "pause"; });
film.addEventListener("pause", () => { $("play").textContent = "play"; });
$("back").addEventListener("click", () => seek(film, Math.max(0, frameOf(film) - 1)));
$("forward").addEventListener("click", () => seek(film, Math.min(state.film.frames - 1, frameOf(film) + 1)));
$("goto").addEventListener("submit", (event) => {
  event.preventDefault();
  const frame = framesOf($("goto-input").value);
  if (frame === null || !state.film) { banner("write a timecode such as 00:00:01:12, or a frame number", true); return; }
  seek(film, Math.min(frame, state.film.frames - 1));
});
$("film-note").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("film-note-text").value;
  if (!text.trim() || !state.film) return;
  pinNote({ on: "film", frame: frameOf(film), text }).then(() => { $("film-note-text").value = ""; });
});

function showKeys(open) {
  const dialog = $("keys");
  if (open && !dialog.open) dialog.showModal();
  if (!open && dialog.open) dialog.close();
}
$("keys-button").addEventListener("click", () => showKeys(true));

function nextShot(by) {
  if (!state.film) return;
  const clips = state.film.items.filter((item) => item.kind === "clip");
  const at = clips.findIndex((item) => item.shot === currentShot);
  const next = clips[Math.max(0, Math.min(clips.length - 1, at + by))];
  if (next) { seek(film, next.record_in); choose(next.shot); }
}

document.addEventListener("keydown", (event) => {
  if (event.key === "?" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    event.preventDefault();
    showKeys(!$("keys").open);
    return;
  }
  if ($("keys").open || ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName) || !state) return;
  const comparing = document.getElementById("compare-a");
  if (event.key === " ") {
    event.preventDefault();
    if (comparing && comparing.matches(":hover, :focus-within") || document.activeElement.closest("#compare")) {
      $("compare-play").click();
    } else if (state.film) $("play").click();
  }
  if (!state.film) return;
  if (event.key === ",") $("back").click();
  if (event.key === ".") $("forward").click();
  if (event.key === "[") nextShot(-1);
  if (event.key === "]") nextShot(1);
  if (event.key === "n") { event.preventDefault(); $("film-note-text").focus(); }
});

// --- the re-cut: a job on the server, its progress polled, the film drawn again when it is done --------------

async function recut() {
  try {
    await api("api/cut", {});
  } catch (error) { banner(error.message, true); return; }
  $("recut").disabled = true;
  $("cut-progress").hidden = false;
  for (;;) {
    const job = await api("api/job");
    $("cut-progress").value = job.done;
    $("cut-step").textContent = job.state === "running" ? `cutting: ${job.step}…` : job.message || "";
    if (job.state !== "running") {
      $("recut").disabled = false;
      $("cut-progress").hidden = true;
      document.body.dataset.cut = job.state;
      if (job.state === "failed") banner(job.message, true); else banner("");
      await refresh();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
$("recut").addEventListener("click", recut);
$("export-notes").addEventListener("click", exportCopyNotes);

// --- state and live updates ------------------------------------------------------------------------------

async function refresh() {
  state = STATIC ? window.LONGCUT_STATE : await api("api/state");
  draw();
  document.body.dataset.loaded = String((Number(document.body.dataset.loaded) || 0) + 1);
}

function listen() {
  if (STATIC) return;
  // The server sends `changed` when the film's files or the store's takes change (a render or a cut finished).
  const events = new EventSource(withToken("api/events"));
  let first = true;
  events.addEventListener("changed", () => {
    if (first) { first = false; return; }  // the first event only says where things stand
    refresh().catch((error) => banner(error.message, true));
  });
}

if (STATIC) {
  // a copy: decisions need the server; notes are written here and exported for `longcut review --import`
  $("recut-row").hidden = true;
  $("copy-notes").hidden = false;
  try { $("author").value = localStorage.getItem("longcut-author") || ""; } catch (error) { /* none kept */ }
}
window.longcutTimecode = timecode;  // for the tests, which compare it with longcut's own
watchFrames();
refresh().then(listen).catch((error) => banner(error.message, true));
