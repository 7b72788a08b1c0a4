// Analysing a text: POST /v1/stance, then the sentences with their mentions highlighted, a
// chip per (sentence, country) that opens the three labels for a correction, the summary by
// country, and the downloads (CSV, JSON) of the analysis.
"use strict";

import { $, LABELS, adminToken, api, download, el, pct } from "./api.js";
import { saveCorrection, sentenceState } from "./corrections.js";

const DEVELOPMENT_KEY = "stance.development";
let lastAnalysis = null;

function scoresTitle(country) {
  const scores = Object.entries(country.scores).map(([label, p]) => `${label} ${pct(p)}`).join(", ");
  return `${country.country}: ${country.stance} (${scores}; polarity ${country.polarity.toFixed(2)})`;
}

// A sentence's text with each scored mention wrapped in a <mark> of its stance colour.
function highlightedSentence(sentence) {
  const marks = [];
  for (const country of sentence.countries) {
    for (const m of country.mentions || []) marks.push({ ...m, country });
  }
  marks.sort((a, b) => a.start - b.start);
  const out = el("span", { class: "text" });
  let cursor = sentence.start;
  for (const m of marks) {
    if (m.start < cursor) continue;
    out.append(sentence.text.slice(cursor - sentence.start, m.start - sentence.start));
    out.append(el("mark", {
      class: `mention ${m.country.stance}`, "data-country": m.country.country,
      "data-stance": m.country.stance, title: scoresTitle(m.country), text: m.text,
    }));
    cursor = m.end;
  }
  out.append(sentence.text.slice(cursor - sentence.start));
  return out;
}

// The panel under a sentence where one country's label is chosen or accepted.
function correctionPanel(state, country, chip) {
  const panel = el("div", { class: "correction", "data-country": country.country, role: "group", "aria-label": `Label ${country.country}` });
  const readOnly = !adminToken();
  const status = el("span", { class: "correction-status", role: "status" });
  const save = async (label) => {
    chip.classList.remove("unsaved");
    chip.classList.add("saving");
    status.textContent = "Saving…";
    panel.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const answer = await saveCorrection(state, country.country, label);
      setChip(chip, country.country, label, "saved");
      status.textContent = `Saved (${answer.status}, example ${answer.id}).`;
      panel.remove();
    } catch (error) {
      chip.classList.remove("saving");
      chip.classList.add("unsaved");
      status.replaceChildren(`Not saved: ${error.message} `,
        el("button", { type: "button", class: "retry", text: "Retry" }));
      status.querySelector(".retry").addEventListener("click", () => save(label));
      panel.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    }
  };
  for (const label of LABELS) {
    const button = el("button", {
      type: "button", class: `choice ${label}${label === country.stance ? " proposed" : ""}`, "data-label": label,
      disabled: readOnly, text: `${label} ${pct(country.scores[label] ?? 0)}`,
    });
    button.addEventListener("click", () => save(label));
    panel.append(button);
  }
  const accept = el("button", { type: "button", class: "accept", disabled: readOnly, text: `✓ Accept ${state.labels[country.country]}` });
  accept.addEventListener("click", () => save(state.labels[country.country]));
  panel.append(accept, status);
  if (readOnly) status.textContent = "Read-only: enter the admin token at the top of the page to correct the model.";
  return panel;
}

function setChip(chip, name, label, saved) {
  chip.className = `chip ${label}${saved ? ` ${saved}` : ""}`;
  chip.dataset.stance = label;
  chip.textContent = `${name}: ${label}${saved === "saved" ? " ✓" : ""}`;
}

function renderSentences(sentences, development, modelVersion) {
  const list = $("#sentences");
  list.replaceChildren();
  for (const sentence of sentences) {
    const state = sentenceState(sentence, development, modelVersion);
    const chips = el("div", { class: "countries" });
    const item = el("li", { value: String(sentence.index + 1), "data-sentence": String(sentence.index) }, highlightedSentence(sentence), chips);
    for (const country of sentence.countries) {
      const chip = el("button", {
        type: "button", class: `chip ${country.stance}`, title: scoresTitle(country), "data-country": country.country,
        "data-stance": country.stance, "aria-expanded": "false", text: `${country.country}: ${country.stance}`,
      });
      chip.addEventListener("click", () => {
        const open = item.querySelector(`.correction[data-country="${CSS.escape(country.country)}"]`);
        item.querySelectorAll(".correction").forEach((p) => p.remove());
        item.querySelectorAll(".chip").forEach((c) => c.setAttribute("aria-expanded", "false"));
        if (open) return;
        chip.setAttribute("aria-expanded", "true");
        item.append(correctionPanel(state, country, chip));
      });
      chips.append(chip);
    }
    list.append(item);
  }
}

function renderSummary(summary) {
  const body = $("#summary tbody");
  const chart = $("#chart");
  body.replaceChildren();
  chart.replaceChildren(el("figcaption", { text: "Mean polarity (−1 concerned … +1 supportive)" }));
  const rows = Object.entries(summary).sort((a, b) => b[1].sentences - a[1].sentences);
  for (const [country, s] of rows) {
    body.append(el("tr", { "data-country": country },
      el("td", { text: country }),
      el("td", { class: "num", text: String(s.sentences) }),
      el("td", { class: "num", text: String(s.counts.supportive ?? 0) }),
      el("td", { class: "num", text: String(s.counts.concerned ?? 0) }),
      el("td", { class: "num", text: String(s.counts.silent ?? 0) }),
      el("td", { class: "num", text: s.mean_polarity.toFixed(2) }),
      el("td", {}, el("span", { class: `chip ${s.dominant_stance}`, title: s.evidence.text, text: s.dominant_stance })),
    ));
    const width = Math.abs(s.mean_polarity) * 50;
    const bar = el("div", { class: `bar ${s.mean_polarity >= 0 ? "supportive" : "concerned"}` });
    bar.style.left = s.mean_polarity >= 0 ? "50%" : `${50 - width}%`;
    bar.style.width = `${width}%`;
    bar.style.background = `var(--${s.mean_polarity >= 0 ? "supportive" : "concerned"})`;
    chart.append(el("div", { class: "bar-row", "data-country": country },
      el("span", { text: country }), el("div", { class: "bar-track" }, bar),
      el("span", { class: "num", text: s.mean_polarity.toFixed(2) })));
  }
}

export async function analyse() {
  const text = $("#text").value;
  const development = $("#development").value.trim();
  const status = $("#status");
  status.className = "";
  status.textContent = "Analysing…";
  try {
    const body = await api("/v1/stance", { method: "POST", body: development ? { text, development } : { text } });
    if (development) localStorage.setItem(DEVELOPMENT_KEY, development);
    else localStorage.removeItem(DEVELOPMENT_KEY);
    lastAnalysis = { ...body, development: development || null };
    renderSentences(body.sentences, development || null, body.model.version);
    renderSummary(body.summary);
    $("#model").textContent = `model ${body.model.version}`;
    $("#results").hidden = false;
    status.textContent = body.note || `${body.sentences.length} sentences with countries, ${Object.keys(body.summary).length} countries.`;
  } catch (error) {
    status.className = "error";
    status.textContent = `Could not analyse the text: ${error.message}`;
  }
}

export function rememberedDevelopment() {
  return localStorage.getItem(DEVELOPMENT_KEY) || "";
}

const CSV_FIELDS = ["sentence", "start", "end", "country", "stance", ...LABELS.map((l) => `p_${l}`), "polarity", "text"];

function csvCell(value) {
  const text = String(value ?? "");
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

// One row per sentence and country: what the page shows, for a spreadsheet.
export function analysisCsv(analysis) {
  const rows = [CSV_FIELDS.join(",")];
  for (const sentence of analysis.sentences) {
    for (const country of sentence.countries) {
      rows.push([sentence.index, sentence.start, sentence.end, country.country, country.stance,
        ...LABELS.map((l) => country.scores[l] ?? ""), country.polarity, sentence.text].map(csvCell).join(","));
    }
  }
  return rows.join("\r\n") + "\r\n";
}

export function downloadAnalysis(format) {
  if (!lastAnalysis) return;
  if (format === "csv") download("stance-analysis.csv", analysisCsv(lastAnalysis), "text/csv");
  else download("stance-analysis.json", JSON.stringify(lastAnalysis, null, 2), "application/json");
}
