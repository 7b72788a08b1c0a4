// Stance over time for an uploaded file of dated documents: the file goes to POST /v1/timeline
// as it is (JSON Lines or CSV), and the points come back as `stance timeline` computes them;
// drawn here as one SVG line of mean polarity per country, with its 95% interval as a band.
"use strict";

import { $, el } from "./api.js";

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];
const MAX_LINES = 12;  // as the CLI's chart: the countries with the most pairs
const SIZE = { width: 900, height: 340, left: 48, right: 170, top: 16, bottom: 48 };

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function timelineStatus(text, error = false) {
  const status = $("#timeline-status");
  status.className = error ? "error" : "";
  status.textContent = text;
}

export function drawTimeline(points) {
  const chart = $("#timeline-chart");
  chart.replaceChildren();
  const periods = [...new Set(points.map((p) => p.period))].sort();
  const pairs = {};
  for (const p of points) pairs[p.country] = (pairs[p.country] || 0) + p.pairs;
  const countries = Object.keys(pairs).sort((a, b) => pairs[b] - pairs[a] || a.localeCompare(b)).slice(0, MAX_LINES);
  const { width, height, left, right, top, bottom } = SIZE;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const x = (period) => left + (periods.length === 1 ? plotWidth / 2 : (periods.indexOf(period) / (periods.length - 1)) * plotWidth);
  const y = (polarity) => top + ((1 - polarity) / 2) * plotHeight;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Mean polarity by country and period" });
  for (const tick of [-1, -0.5, 0, 0.5, 1]) {
    root.append(svg("line", { x1: left, x2: left + plotWidth, y1: y(tick), y2: y(tick), class: tick === 0 ? "axis zero" : "grid" }));
    const label = svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end", class: "tick" });
    label.textContent = tick.toFixed(1);
    root.append(label);
  }
  periods.forEach((period, i) => {
    if (periods.length > 12 && i % Math.ceil(periods.length / 12)) return;
    const label = svg("text", { x: x(period), y: top + plotHeight + 18, "text-anchor": "middle", class: "tick" });
    label.textContent = period;
    root.append(label);
  });
  const yTitle = svg("text", { x: 12, y: top + plotHeight / 2, transform: `rotate(-90 12 ${top + plotHeight / 2})`, "text-anchor": "middle", class: "axis-title" });
  yTitle.textContent = "mean polarity (−1 concerned … +1 supportive)";
  const xTitle = svg("text", { x: left + plotWidth / 2, y: height - 6, "text-anchor": "middle", class: "axis-title" });
  xTitle.textContent = "period";
  root.append(yTitle, xTitle);
  countries.forEach((country, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const own = points.filter((p) => p.country === country).sort((a, b) => a.period.localeCompare(b.period));
    const band = own.map((p) => `${x(p.period)},${y(p.polarity_high)}`).concat(own.slice().reverse().map((p) => `${x(p.period)},${y(p.polarity_low)}`));
    root.append(svg("polygon", { points: band.join(" "), fill: colour, "fill-opacity": "0.12", class: "band", "data-country": country }));
    root.append(svg("path", {
      d: own.map((p, j) => `${j ? "L" : "M"}${x(p.period)},${y(p.mean_polarity)}`).join(" "),
      stroke: colour, fill: "none", "stroke-width": "2", class: "line", "data-country": country,
    }));
    for (const p of own) {
      const dot = svg("circle", { cx: x(p.period), cy: y(p.mean_polarity), r: 3, fill: colour });
      const title = svg("title");
      title.textContent = `${country}, ${p.period}: ${p.mean_polarity.toFixed(2)} [${p.polarity_low.toFixed(2)}, ${p.polarity_high.toFixed(2)}], ${p.pairs} pairs`;
      dot.append(title);
      root.append(dot);
    }
    const legendY = top + 14 + i * 18;
    root.append(svg("line", { x1: width - right + 12, x2: width - right + 30, y1: legendY - 4, y2: legendY - 4, stroke: colour, "stroke-width": "3" }));
    const name = svg("text", { x: width - right + 36, y: legendY, class: "legend" });
    name.textContent = country;
    root.append(name);
  });
  chart.append(root);
}

function drawTable(points) {
  $("#timeline-table tbody").replaceChildren(...points.map((p) => el("tr", { "data-country": p.country, "data-period": p.period },
    el("td", { text: p.country }), el("td", { text: p.period }), el("td", { class: "num", text: String(p.pairs) }),
    el("td", { class: "num", text: p.share_supportive.toFixed(2) }), el("td", { class: "num", text: p.share_concerned.toFixed(2) }),
    el("td", { class: "num", text: p.share_silent.toFixed(2) }),
    el("td", { class: "num", text: `${p.mean_polarity.toFixed(2)} [${p.polarity_low.toFixed(2)}, ${p.polarity_high.toFixed(2)}]` }),
  )));
}

async function chartFile() {
  const [file] = $("#timeline-file").files;
  if (!file) return timelineStatus("Choose a .jsonl or .csv file of dated documents (id, date, text).", true);
  const format = file.name.toLowerCase().endsWith(".csv") ? "csv" : "jsonl";
  const params = new URLSearchParams({ format, by: $("#timeline-by").value });
  const development = $("#development").value.trim();
  if (development) params.set("development", development);
  timelineStatus(`Scoring ${file.name}…`);
  try {
    const response = await fetch(`/v1/timeline?${params}`, {
      method: "POST", headers: { "content-type": format === "csv" ? "text/csv" : "application/x-ndjson" }, body: await file.text(),
    });
    const body = await response.json().catch(() => ({ detail: response.statusText }));
    if (!response.ok) throw new Error(`${response.status}: ${typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)}`);
    drawTimeline(body.points);
    drawTable(body.points);
    $("#timeline-results").hidden = false;
    timelineStatus(`${body.documents} documents, ${body.pairs} pairs, ${body.points.length} points by ${body.by} (model ${body.model.version}).`);
  } catch (error) {
    timelineStatus(`Could not chart the file: ${error.message}`, true);
  }
}

export function setUpTimeline() {
  $("#timeline-run").addEventListener("click", chartFile);
}

