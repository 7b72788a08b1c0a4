// The page's entry point: the admin token, and the parts of the analyst's loop wired to their
// controls (analysis.js, review.js, models.js, timeline.js). Every part talks to the same API as any client.
"use strict";

import { $, adminToken, api, setAdminToken } from "./api.js";
import { analyse, downloadAnalysis, rememberedDevelopment } from "./analysis.js";
import { setUpModels, showLabelStats } from "./models.js";
import { setUpReview } from "./review.js";
import { setUpTimeline } from "./timeline.js";

function showAdminState() {
  const admin = Boolean(adminToken());
  $("#admin-state").textContent = admin
    ? "Admin: corrections, the review queue and retraining are on for this browser session."
    : "Read-only: corrections, the review queue and retraining need the admin token.";
  $("#admin").dataset.admin = String(admin);
  $("#token").hidden = admin;
  $("#token-save").hidden = admin;
  $("#token-forget").hidden = !admin;
}

// The token is checked against an admin route before it is kept: a typo shows at once.
async function useToken() {
  const token = $("#token").value.trim();
  if (!token) return;
  const previous = adminToken();
  setAdminToken(token);
  try {
    await api("/v1/review/next?n=1", { admin: true });
    $("#token").value = "";
  } catch (error) {
    setAdminToken(previous);
    $("#admin-state").textContent = error.status === 401 ? "That is not the admin token." : `The token was not accepted: ${error.message}`;
    return;
  }
  showAdminState();
}

async function loadExample(event) {
  const response = await fetch(event.currentTarget.dataset.src);
  $("#text").value = await response.text();
}

$("#development").value = rememberedDevelopment();
$("#analyse").addEventListener("click", analyse);
for (const button of document.querySelectorAll(".example")) button.addEventListener("click", loadExample);
$("#file").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  if (file) $("#text").value = await file.text();
});
$("#download-csv").addEventListener("click", () => downloadAnalysis("csv"));
$("#download-json").addEventListener("click", () => downloadAnalysis("json"));
$("#token-save").addEventListener("click", useToken);
$("#token").addEventListener("keydown", (event) => { if (event.key === "Enter") useToken(); });
$("#token-forget").addEventListener("click", () => { setAdminToken(""); showAdminState(); });
document.addEventListener("admin-token", showAdminState);
document.addEventListener("label-saved", showLabelStats);
showAdminState();
setUpReview();
setUpModels();
setUpTimeline();
