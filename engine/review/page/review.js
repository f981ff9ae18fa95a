// The longcut review page: plain JavaScript, no framework and no build step.
// Every text from the film (prompts, dialogue, notes) is set with textContent, never as markup.
"use strict";

const STATIC = typeof window.LONGCUT_STATE === "object";  // a folder written by `longcut review --static`
const TOKEN = new URLSearchParams(location.search).get("token");
let state = null;
let chosen = null;  // the shot shown in the shot panel
let currentShot = null;  // the shot under the playhead
const drafts = {};  // what is being typed in the shot panel, kept across redraws (a live update redraws it)

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
  const strip = $("strip");
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
  const notes = state.notes.filter((note) => note.on === "film").map((note) =>
    el("div", { class: "note-mark", style: { left: width(note.frame) }, title: note.text }));
  strip.replaceChildren(...items, ...flags, ...notes, el("div", { class: "playhead", id: "playhead" }));
  const mismatch = cut.items.filter((item) => item.kind === "clip").some((item) => {
    const shot = state.shots.find((candidate) => candidate.id === item.shot);
    return !shot || shot.take !== item.take;
  });
  if (mismatch && !$("banner").classList.contains("error")) {
    banner("The film was cut with other takes than the ones now chosen: run `longcut cut FILM` to see them in it.");
  }
}

function drawBoard() {
  const flagged = {};
  for (const flag of state.flags) flagged[flag.shot] = (flagged[flag.shot] || 0) + 1;
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
      el("button", { id: "approve", disabled, onclick: () => act("api/decision",
        { shot: shot.id, action: "approve", take: shot.take, note: note.value }, sent(noteKey)) }, "approve"),
      el("button", { id: "retake", disabled, onclick: () => act("api/decision",
        { shot: shot.id, action: "retake", take: shot.take, note: note.value }, sent(noteKey)) }, "retake"),
    ]),
    el("h2", { text: "Takes" }),
    el("div", { class: "takes" }, shot.takes.map((take) => drawTake(shot, take))),
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
  const disabled = STATIC ? "disabled" : undefined;
  return el("div", { class: "take" + (take.in_use ? " in-use" : ""), id: `take-${shot.id}-${take.take}` }, [
    video,
    el("div", {}, [el("strong", { text: `take ${take.take}` }), take.in_use ? " · in use" : ""]),
    el("div", { class: "muted", text: `seed ${take.seed} · ${take.backend}` + (take.model ? ` · ${take.model}` : "") }),
    el("div", { class: "actions" }, [
      el("button", { class: "pick", disabled: take.in_use || STATIC ? "disabled" : undefined,
                     onclick: () => act("api/decision", { shot: shot.id, action: "pick", take: take.take }) },
         "use this take"),
      el("button", { class: "approve-take", disabled, onclick: () => act("api/decision",
        { shot: shot.id, action: "approve", take: take.take }) }, "approve this take"),
    ]),
    el("form", { class: "inline note-form", onsubmit: (event) => {
      event.preventDefault();
      if (text.value.trim()) act("api/note", { on: "take", shot: shot.id, take: take.take, frame: frameOf(video),
                                               text: text.value }, sent(textKey));
    } }, [text, el("button", { type: "submit", disabled }, "pin note")]),
  ]);
}

function byWhom(item) {
  // who said it and when, as the file keeps them ("" in notes from before authors were kept)
  const when = item.at ? item.at.replace("T", " ").slice(0, 16) : "";
  return [item.author, when].filter(Boolean).join(" · ");
}

function drawNotes() {
  // every note in one list: those pinned to frames, and what was said with a verdict (a retake's reason)
  const notes = state.notes.map((note) => {
    const where = note.on === "film" ? timecode(note.frame) : `${note.shot} take ${note.take} frame ${note.frame}`;
    return el("li", { dataset: { note: note.id } }, [
      el("a", { href: "#", class: "seek", text: where, onclick: (event) => { event.preventDefault(); seekNote(note); } }),
      el("span", { class: "note-text", text: note.text }),
      el("span", { class: "muted by", text: byWhom(note) }),
      STATIC ? null : el("button", { class: "remove", title: "remove this note",
                                     onclick: () => act("api/note/delete", { id: note.id }) }, "remove"),
    ]);
  });
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
  if (!text.trim() || STATIC) return;
  act("api/note", { on: "film", frame: frameOf(film), text }).then(() => { $("film-note-text").value = ""; });
});
document.addEventListener("keydown", (event) => {
  if (["INPUT", "TEXTAREA"].includes(document.activeElement.tagName) || !state || !state.film) return;
  if (event.key === " ") { event.preventDefault(); $("play").click(); }
  if (event.key === ",") $("back").click();
  if (event.key === ".") $("forward").click();
});

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
  for (const form of document.querySelectorAll("form.note-form")) {
    for (const control of form.querySelectorAll("input, button")) control.disabled = true;
  }
}
window.longcutTimecode = timecode;  // for the tests, which compare it with longcut's own
watchFrames();
refresh().then(listen).catch((error) => banner(error.message, true));
