// Polly Notes front end: calls PollyNotesAPI (window.POLLY_NOTES_API, set by
// config.js, which deploy.sh writes) with fetch. No libraries, no build step.
"use strict";

const api = (window.POLLY_NOTES_API || "").replace(/\/$/, "");
const $ = (id) => document.getElementById(id);

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

// call sends a request to the API and returns the decoded JSON answer, or
// throws with API Gateway's message ({"message": "..."}) on an error.
async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(api + path, init);
  const text = await r.text();
  let data = text;
  try { data = JSON.parse(text); } catch (e) { /* not JSON: keep the text */ }
  if (!r.ok) {
    throw new Error((data && data.message) || r.status + " " + r.statusText);
  }
  if (data && typeof data === "object" && data.errorMessage) {
    throw new Error(data.errorType + ": " + data.errorMessage);
  }
  return data;
}

function show(notes) {
  const body = $("notes");
  body.replaceChildren();
  notes.sort((a, b) => Number(a.NoteId) - Number(b.NoteId));
  for (const n of notes) {
    const tr = document.createElement("tr");
    const id = document.createElement("td");
    id.textContent = n.NoteId;
    const note = document.createElement("td");
    note.textContent = n.Note;
    const actions = document.createElement("td");
    actions.className = "actions";
    const play = document.createElement("button");
    play.textContent = "Play";
    play.onclick = () => dictate(n.NoteId);
    const edit = document.createElement("button");
    edit.textContent = "Edit";
    edit.className = "plain";
    edit.onclick = () => { $("noteId").value = n.NoteId; $("note").value = n.Note; $("note").focus(); };
    const del = document.createElement("button");
    del.textContent = "Delete";
    del.className = "plain";
    del.onclick = () => remove(n.NoteId);
    actions.append(play, " ", edit, " ", del);
    tr.append(id, note, actions);
    body.append(tr);
  }
  if (notes.length === 0) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 3;
    td.textContent = "No notes.";
    tr.append(td);
    body.append(tr);
  }
}

async function list() {
  try {
    show(await call("GET", "/notes"));
    status("");
  } catch (e) { status("Listing the notes failed: " + e.message, true); }
}

async function search(text) {
  try {
    show(await call("GET", "/notes/search?text=" + encodeURIComponent(text)));
    status("Notes containing \u201c" + text + "\u201d");
  } catch (e) { status("Searching failed: " + e.message, true); }
}

async function save(noteId, note) {
  try {
    await call("POST", "/notes", { UserId: "student", NoteId: noteId, Note: note });
    status("Saved note " + noteId);
    $("note").value = "";
    await list();
  } catch (e) { status("Saving failed: " + e.message, true); }
}

async function remove(noteId) {
  try {
    await call("DELETE", "/notes/" + encodeURIComponent(noteId));
    status("Deleted note " + noteId);
    await list();
  } catch (e) { status("Deleting failed: " + e.message, true); }
}

async function dictate(noteId) {
  status("Polly is reading note " + noteId + "\u2026");
  try {
    const url = await call("POST", "/notes/" + encodeURIComponent(noteId), { VoiceId: $("voice").value });
    const player = $("player");
    player.hidden = false;
    player.src = url;
    await player.play();
    status("Playing note " + noteId);
  } catch (e) { status("Dictating failed: " + e.message, true); }
}

$("save").addEventListener("submit", (ev) => {
  ev.preventDefault();
  save(parseInt($("noteId").value, 10), $("note").value);
});
$("search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("text").value.trim();
  if (text) search(text); else list();
});
$("all").addEventListener("click", () => { $("text").value = ""; list(); });

if (!api) {
  status("config.js does not say where the API is: run deploy.sh", true);
} else {
  list();
}
