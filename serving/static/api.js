// Every call of the page goes through here: the same API as every other client, with the
// admin token (kept for this browser session only) sent as the bearer token where given.
"use strict";

const TOKEN_KEY = "stance.adminToken";

export const LABELS = ["supportive", "concerned", "silent"];

export function adminToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setAdminToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  document.dispatchEvent(new CustomEvent("admin-token", { detail: { admin: Boolean(token) } }));
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}: ${detail}`);
    this.status = status;
    this.detail = detail;
  }
}

function detailOf(body, response) {
  if (!body || body.detail === undefined) return response.statusText || "no answer";
  if (typeof body.detail === "string") return body.detail;
  return body.detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
}

// fetch, with JSON in and out; throws ApiError on an error answer, TypeError when the server
// cannot be reached.
export async function api(path, { method = "GET", body, admin = false, raw = false } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (admin && adminToken()) headers.authorization = `Bearer ${adminToken()}`;
  const options = { method, headers };
  if (body !== undefined) options.body = JSON.stringify(body);
  const response = await fetch(path, options);
  if (raw && response.ok) return response;
  let parsed = null;
  try {
    parsed = await response.json();
  } catch (error) {
    if (response.ok) throw new ApiError(response.status, "the answer is not JSON");
  }
  if (!response.ok) throw new ApiError(response.status, detailOf(parsed, response));
  return parsed;
}

// A file download made in the page (CSV, JSON, JSON Lines).
export function download(filename, content, type) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const pct = (p) => `${Math.round(p * 100)}%`;

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}
