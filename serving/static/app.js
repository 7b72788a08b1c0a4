// The page talks to the same API as every other client: POST /v1/stance.
"use strict";

const $ = (selector) => document.querySelector(selector);
const pct = (p) => `${Math.round(p * 100)}%`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

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

function renderSentences(sentences) {
  const list = $("#sentences");
  list.replaceChildren();
  for (const sentence of sentences) {
    const chips = el("div", { class: "countries" });
    for (const country of sentence.countries) {
      chips.append(el("span", { class: `chip ${country.stance}`, title: scoresTitle(country), text: `${country.country}: ${country.stance}` }));
    }
    list.append(el("li", { value: String(sentence.index + 1) }, highlightedSentence(sentence), chips));
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

async function analyse() {
  const text = $("#text").value;
  const development = $("#development").value.trim();
  const status = $("#status");
  status.className = "";
  status.textContent = "Analysing…";
  try {
    const response = await fetch("/v1/stance", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(development ? { text, development } : { text }),
    });
    const body = await response.json();
    if (!response.ok) {
      const detail = typeof body.detail === "string" ? body.detail : body.detail.map((d) => d.msg).join("; ");
      throw new Error(`${response.status}: ${detail}`);
    }
    renderSentences(body.sentences);
    renderSummary(body.summary);
    $("#model").textContent = `model ${body.model.version}`;
    $("#results").hidden = false;
    status.textContent = body.note || `${body.sentences.length} sentences with countries, ${Object.keys(body.summary).length} countries.`;
  } catch (error) {
    status.className = "error";
    status.textContent = `Could not analyse the text: ${error.message}`;
  }
}

async function loadExample(event) {
  const response = await fetch(event.currentTarget.dataset.src);
  $("#text").value = await response.text();
}

$("#analyse").addEventListener("click", analyse);
for (const button of document.querySelectorAll(".example")) button.addEventListener("click", loadExample);
$("#file").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  if (file) $("#text").value = await file.text();
});
