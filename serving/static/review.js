// The review queue: documents go to POST /v1/review/documents (scored in the background), and
// the pairs the model is least sure of come back from GET /v1/review/next, one at a time.
// Keys: 1/2/3 choose a label, Enter accepts the model's, S skips.
"use strict";

import { $, LABELS, adminToken, api, el, pct } from "./api.js";
import { saveCorrection } from "./corrections.js";

const BATCH = 10;
let limits = null;  // GET /v1/limits, read once: the operator may have changed the defaults
let items = [];
let current = null;
let busy = false;

function reviewStatus(text, error = false) {
  const status = $("#review-status");
  status.className = error ? "error" : "";
  status.textContent = text;
}

// A pasted text is one document; an uploaded .txt one document; a .jsonl one per line
// ({id, text, development?, countries?}).
export function documentsFrom(text, filename) {
  if (filename && filename.toLowerCase().endsWith(".jsonl")) {
    return text.split(/\r?\n/).map((line, i) => [line.trim(), i + 1]).filter(([line]) => line).map(([line, number]) => {
      let doc;
      try {
        doc = JSON.parse(line);
      } catch (error) {
        throw new Error(`${filename}:${number}: not JSON (${error.message})`);
      }
      if (!doc || typeof doc.text !== "string") throw new Error(`${filename}:${number}: no "text"`);
      const out = { id: String(doc.id ?? `${filename}:${number}`), text: doc.text };
      if (doc.development) out.development = doc.development;
      if (doc.countries) out.countries = doc.countries;
      return out;
    });
  }
  if (!text.trim()) return [];
  const development = $("#development").value.trim();
  const doc = { id: filename || `pasted-${new Date().toISOString()}`, text };
  if (development) doc.development = development;
  return [doc];
}

// Consecutive runs of documents that each fit one request: at most max_batch_documents,
// max_batch_chars of text and max_body_bytes of JSON. A document too large alone goes alone,
// so that the service refuses it with its own reason.
export function requestsWithin(documents, { max_batch_documents, max_batch_chars, max_body_bytes }) {
  const encoder = new TextEncoder();
  const requests = [];
  let current = [], chars = 0, bytes = 0;
  for (const doc of documents) {
    const docChars = doc.text.length;
    const docBytes = encoder.encode(JSON.stringify(doc)).length + 1;  // and its comma
    const fits = current.length < max_batch_documents && chars + docChars <= max_batch_chars
      && bytes + docBytes + 20 <= max_body_bytes;  // 20: {"documents": [...]}
    if (current.length && !fits) {
      requests.push(current);
      current = [], chars = 0, bytes = 0;
    }
    current.push(doc);
    chars += docChars;
    bytes += docBytes;
  }
  if (current.length) requests.push(current);
  return requests;
}

async function submit() {
  if (!adminToken()) return reviewStatus("The review queue needs the admin token (top of the page).", true);
  const [file] = $("#review-file").files;
  let documents;
  try {
    documents = file ? documentsFrom(await file.text(), file.name) : documentsFrom($("#review-text").value, "");
  } catch (error) {
    return reviewStatus(error.message, true);
  }
  if (!documents.length) return reviewStatus("Nothing to submit: paste a document or choose a file.", true);
  let accepted = 0, duplicates = 0, pending = 0;
  try {
    limits = limits ?? await api("/v1/limits");
    for (const batch of requestsWithin(documents, limits)) {
      const answer = await api("/v1/review/documents", { method: "POST", admin: true, body: { documents: batch } });
      accepted += answer.accepted.length;
      duplicates += answer.duplicates.length;
      pending = answer.pending;
    }
  } catch (error) {
    return reviewStatus(`Submitted ${accepted} documents, then: ${error.message}`, true);
  }
  $("#review-text").value = "";
  $("#review-file").value = "";
  reviewStatus(`Queued ${accepted} documents${duplicates ? ` (${duplicates} already queued)` : ""}; ${pending} being scored.`);
}

async function fetchItems() {
  const answer = await api(`/v1/review/next?n=${BATCH}`, { admin: true });
  items = answer.items;
  return answer;
}

// Shows the next item, fetching a new batch when this one is used up.
async function showNext() {
  if (!adminToken()) return reviewStatus("The review queue needs the admin token (top of the page).", true);
  let answer = null;
  if (!items.length) {
    try {
      answer = await fetchItems();
    } catch (error) {
      return reviewStatus(`Could not get the next items: ${error.message}`, true);
    }
  }
  current = items.shift() || null;
  const card = $("#review-card");
  if (!current) {
    card.hidden = true;
    const pending = answer ? answer.pending_documents : 0;
    return reviewStatus(pending ? `Nothing to label yet: ${pending} documents are still being scored; try again in a moment.`
      : "Nothing left to label in the queue.");
  }
  renderItem(current);
  card.hidden = false;
  card.focus();
  reviewStatus(`${items.length + 1} in this batch.`);
}

function renderItem(item) {
  const card = $("#review-card");
  card.dataset.item = String(item.id);
  card.dataset.country = item.country;
  const sentence = el("p", { class: "review-sentence", text: item.text });
  $(".review-where", card).textContent =
    `${item.document}, sentence ${item.sentence + 1} · ${item.country} · margin ${item.margin.toFixed(2)} · model ${item.model_version}` +
    (item.development ? ` · toward ${item.development}` : "");
  $(".review-sentence", card).replaceWith(sentence);
  $(".review-country", card).textContent = `${item.country}: the model says ${item.stance}`;
  const choices = $(".review-choices", card);
  choices.replaceChildren(...LABELS.map((label, i) => {
    const button = el("button", {
      type: "button", class: `choice ${label}${label === item.stance ? " proposed" : ""}`, "data-label": label,
      text: `${i + 1} · ${label} ${pct(item.scores[label] ?? 0)}`,
    });
    button.addEventListener("click", () => labelCurrent(label));
    return button;
  }));
}

async function labelCurrent(label) {
  if (!current || busy) return;
  busy = true;
  const item = current;
  const state = { text: item.text, development: item.development, modelVersion: item.model_version, labels: { ...item.sentence_labels }, saved: {} };
  reviewStatus("Saving…");
  try {
    const answer = await saveCorrection(state, item.country, label);
    $("#review-done").append(el("li", { "data-item": String(item.id), text: `${item.country}: ${label} — ${item.text}` }));
    reviewStatus(`Saved (${answer.status}).`);
    busy = false;
    await showNext();
  } catch (error) {
    busy = false;
    reviewStatus(`Not saved: ${error.message}. Press the key again to retry.`, true);
  }
}

async function skip() {
  if (!current || busy) return;
  busy = true;
  try {
    await api("/v1/review/skip", { method: "POST", admin: true, body: { items: [current.id] } });
    busy = false;
    await showNext();
  } catch (error) {
    busy = false;
    reviewStatus(`Could not skip: ${error.message}`, true);
  }
}

function onKey(event) {
  const card = $("#review-card");
  if (card.hidden || !current) return;
  const target = event.target;
  if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT")) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const index = ["1", "2", "3"].indexOf(event.key);
  if (index >= 0) labelCurrent(LABELS[index]);
  else if (event.key === "Enter") labelCurrent(current.stance);
  else if (event.key === "s" || event.key === "S") skip();
  else return;
  event.preventDefault();
}

export function setUpReview() {
  $("#review-submit").addEventListener("click", submit);
  $("#review-start").addEventListener("click", () => { items = []; showNext(); });
  $("#review-accept").addEventListener("click", () => current && labelCurrent(current.stance));
  $("#review-skip").addEventListener("click", skip);
  document.addEventListener("keydown", onKey);
}
