// Correcting the model: a person's labels for a whole sentence, sent to POST /v1/corrections.
// The corrected country gets the chosen label and every other country of the sentence its
// label as shown (accepted). A correction counts as saved only once the server has answered
// that it is stored; a failed one stays visibly unsaved with a retry button.
"use strict";

import { api, adminToken } from "./api.js";

// What the page knows of one analysed sentence: its text, the development it was analysed
// for, the model that proposed the stances, and the labels as they stand (proposed or saved).
export function sentenceState(sentence, development, modelVersion) {
  const labels = {};
  for (const country of sentence.countries) labels[country.country] = country.stance;
  return { text: sentence.text, development, modelVersion, labels, saved: {} };
}

// Stores the sentence with `country` labelled `label`; resolves to the server's answer
// ({id, status, example}) and only then updates the state.
export async function saveCorrection(state, country, label) {
  if (!adminToken()) throw new Error("corrections need the admin token (enter it at the top of the page)");
  const labels = { ...state.labels, [country]: label };
  const body = { text: state.text, labels, model_version: state.modelVersion };
  if (state.development) body.development = state.development;
  const answer = await api("/v1/corrections", { method: "POST", body, admin: true });
  state.labels = labels;
  for (const name of Object.keys(labels)) state.saved[name] = labels[name];
  document.dispatchEvent(new CustomEvent("label-saved", { detail: answer }));
  return answer;
}
