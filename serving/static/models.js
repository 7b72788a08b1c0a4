// Retraining and the versions: POST /v1/retrain, its progress from GET /v1/retrain/{id}, the
// decision with both models' macro-F1 side by side, rollback, and GET /v1/models as a table.
"use strict";

import { $, adminToken, api, download, el } from "./api.js";

const POLL_MS = 1000;

function retrainStatus(text, error = false) {
  const status = $("#retrain-status");
  status.className = error ? "error" : "";
  status.textContent = text;
}

const f1 = (value) => (typeof value === "number" ? value.toFixed(4) : "–");

export async function showVersions() {
  try {
    const answer = await api("/v1/models");
    const body = $("#versions tbody");
    body.replaceChildren(...answer.versions.map((v) => el("tr", { "data-version": v.version, class: v.version === answer.served ? "served" : "" },
      el("td", { text: v.version }),
      el("td", { text: v.version === answer.served ? `${v.status} (served)` : v.status }),
      el("td", { text: v.created_at || "" }),
      el("td", { class: "num", text: f1(v.dev_macro_f1) }),
      el("td", { text: v.decision ? (v.decision.promoted ? "promoted" : `rejected: ${(v.decision.reasons || []).join("; ")}`) : "" }),
    )));
    $("#served").textContent = `Serving ${answer.served}${answer.current ? "" : " (the configured checkpoint: nothing promoted yet)"}.`;
  } catch (error) {
    $("#served").textContent = `Could not list the versions: ${error.message}`;
  }
}

function progressText(job) {
  const p = job.progress || {};
  const parts = [`${job.state}`];
  if (p.phase) parts.push(p.phase);
  if (p.epoch !== undefined) parts.push(`epoch ${p.epoch}${p.epochs ? ` of ${p.epochs}` : ""}`);
  if (p.step !== undefined && p.steps) parts.push(`step ${p.step}/${p.steps}`);
  if (typeof p.loss === "number") parts.push(`loss ${p.loss.toFixed(4)}`);
  if (typeof p.dev_macro_f1 === "number") parts.push(`dev macro-F1 ${p.dev_macro_f1.toFixed(4)}`);
  return parts.join(" · ");
}

function showDecision(job) {
  const decision = job.decision;
  const table = $("#decision");
  if (!decision) {
    table.hidden = true;
    return;
  }
  const scores = decision.eval_macro_f1 || {};
  $("#decision-verdict").textContent = decision.promoted
    ? (decision.forced ? `Promoted ${decision.version} (forced)` : `Promoted ${decision.version}: it is not worse than ${decision.served_version}`)
    : `Rejected ${decision.version}: ${(decision.reasons || []).join("; ")}`;
  $("#decision").dataset.promoted = String(Boolean(decision.promoted));
  $("#decision tbody").replaceChildren(
    el("tr", {}, el("th", { text: "macro-F1 on the evaluation set" }),
      el("td", { class: "num candidate", text: f1(scores.candidate) }), el("td", { class: "num served", text: f1(scores.served) })),
    el("tr", {}, el("th", { text: "version" }), el("td", { text: decision.version }), el("td", { text: decision.served_version })),
  );
  table.hidden = false;
}

async function follow(jobId) {
  for (;;) {
    let job;
    try {
      job = await api(`/v1/retrain/${jobId}`);
    } catch (error) {
      retrainStatus(`Lost track of job ${jobId}: ${error.message}`, true);
      break;
    }
    retrainStatus(`Job ${jobId}: ${progressText(job)}${job.error ? ` — ${job.error}` : ""}`, job.state === "failed");
    $("#retrain-status").dataset.state = job.state;
    if (["succeeded", "rejected", "failed"].includes(job.state)) {
      showDecision(job);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  $("#retrain").disabled = false;
  await showVersions();
}

async function retrain() {
  if (!adminToken()) return retrainStatus("Retraining needs the admin token (top of the page).", true);
  $("#retrain").disabled = true;
  $("#decision").hidden = true;
  try {
    const started = await api("/v1/retrain", { method: "POST", admin: true, body: {} });
    retrainStatus(`Job ${started.job}: queued`);
    await follow(started.job);
  } catch (error) {
    $("#retrain").disabled = false;
    retrainStatus(`Could not start retraining: ${error.message}`, true);
  }
}

async function rollback() {
  if (!adminToken()) return retrainStatus("Rolling back needs the admin token (top of the page).", true);
  try {
    const answer = await api("/v1/model/rollback", { method: "POST", admin: true });
    retrainStatus(`Rolled back from ${answer.rolled_back_from}; now serving ${answer.served}.`);
    $("#retrain-status").dataset.state = "rolled-back";
  } catch (error) {
    retrainStatus(`Could not roll back: ${error.message}`, true);
  }
  await showVersions();
}

async function downloadLabels() {
  if (!adminToken()) return retrainStatus("Downloading the labels needs the admin token (top of the page).", true);
  try {
    const response = await api("/v1/labels/export", { admin: true, raw: true });
    download("labels.jsonl", await response.blob(), "application/x-ndjson");
  } catch (error) {
    retrainStatus(`Could not download the labels: ${error.message}`, true);
  }
}

export async function showLabelStats() {
  try {
    const stats = await api("/v1/labels/stats");
    const sources = Object.entries(stats.by_source).map(([s, n]) => `${s} ${n}`).join(", ");
    $("#label-stats").textContent = `${stats.examples} stored examples (${stats.pairs} pairs)${sources ? `: ${sources}` : ""}.`;
  } catch (error) {
    $("#label-stats").textContent = `Could not read the label store: ${error.message}`;
  }
}

export function setUpModels() {
  $("#retrain").addEventListener("click", retrain);
  $("#rollback").addEventListener("click", rollback);
  $("#labels-download").addEventListener("click", downloadLabels);
  showVersions();
  showLabelStats();
}
