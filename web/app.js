// The listing form: create a listing, upload its photos through the presigned POST forms,
// follow the pipeline, then render the draft by confidence tier and save the seller's review.
"use strict";

const config = window.SNAPLIST_CONFIG || { apiBase: "/api", pollIntervalMs: 1000 };
const $ = (id) => document.getElementById(id);

const TIER_TEXT = { green: "Filled", yellow: "Check", empty: "Empty" };
const TYPE_BY_EXTENSION = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp",
  heic: "image/heic", heif: "image/heif",
};
const LABELS = { dimensions_cm: "Dimensions (cm)", weight_kg: "Weight (kg)", isbn: "ISBN" };

let listingId = null;
let draftFields = {};

function label(name) {
  return LABELS[name] || name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, " ");
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

async function authHeaders() {
  // A deployment sets config.getIdToken (Cognito); locally the serve process supplies the user.
  const headers = { "Content-Type": "application/json" };
  if (typeof config.getIdToken === "function") {
    headers.Authorization = await config.getIdToken();
  }
  return headers;
}

async function api(method, path, body) {
  const response = await fetch(config.apiBase + path, {
    method, headers: await authHeaders(), body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error || {};
    throw new Error(error.message || `request failed with HTTP ${response.status}`);
  }
  return data;
}

function contentType(file) {
  if (file.type) return file.type;
  const extension = (file.name.split(".").pop() || "").toLowerCase();
  return TYPE_BY_EXTENSION[extension] || "application/octet-stream";
}

function uploadRow(file, index) {
  const item = document.createElement("li");
  const text = document.createElement("span");
  text.textContent = `Photo ${index + 1}: ${file.name}`;
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", `upload of photo ${index + 1}`);
  item.append(text, bar);
  $("uploads").append(item);
  return { item, bar, text };
}

function upload(form, file, row) {
  // XHR rather than fetch: only XHR reports upload progress.
  return new Promise((resolve, reject) => {
    const body = new FormData();
    Object.entries(form.fields).forEach(([name, value]) => body.append(name, value));
    body.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", form.url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) row.bar.value = Math.round((event.loaded / event.total) * 100);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        row.bar.value = 100;
        row.text.textContent += " - uploaded";
        resolve();
      } else {
        const message = (request.responseText.match(/<Message>(.*)<\/Message>/) || [])[1];
        reject(new Error(`photo ${form.index} was refused: ${message || request.status}`));
      }
    };
    request.onerror = () => reject(new Error(`photo ${form.index} could not be uploaded`));
    request.send(body);
  });
}

function describeStatus(listing) {
  switch (listing.status) {
    case "AWAITING_UPLOADS":
      return `Waiting for photos (${listing.photos_received} of ${listing.expected_photos} read)`;
    case "PROCESSING":
      return `Reading the details of your ${listing.product_type || "item"}...`;
    case "READY":
      return "Draft ready: check the fields below.";
    case "CONFIRMED":
      return "Listing saved.";
    default:
      return `Could not read the photos: ${listing.error_reason || listing.error || "unknown"}`;
  }
}

async function follow(id) {
  $("progress").hidden = false;
  for (;;) {
    const listing = await api("GET", `/listings/${encodeURIComponent(id)}`);
    $("status").textContent = describeStatus(listing);
    if (listing.status === "READY" || listing.status === "CONFIRMED") return listing;
    if (listing.status === "FAILED") throw new Error(describeStatus(listing));
    await new Promise((done) => setTimeout(done, config.pollIntervalMs || 1000));
  }
}

function inputFor(name, field) {
  const shown = field.tier === "empty" ? null : field.value;
  const placeholder = field.suggestion || "";
  if (field.kind === "dimensions") {
    const box = document.createElement("div");
    box.className = "dims";
    ["length", "width", "height"].forEach((side) => {
      const input = document.createElement("input");
      input.type = "number";
      input.step = "any";
      input.min = "0";
      input.name = `${name}.${side}`;
      input.setAttribute("aria-label", `${label(name)} ${side}`);
      input.placeholder = side;
      if (shown && shown[side] != null) input.value = shown[side];
      box.append(input);
    });
    return box;
  }
  const input = document.createElement(name === "description" ? "textarea" : "input");
  input.name = name;
  input.id = `field-${name}`;
  if (field.kind === "number") {
    input.type = "number";
    input.step = "any";
  } else if (input.tagName === "INPUT") {
    input.type = "text";
  }
  if (field.kind === "boolean") input.placeholder = "yes or no";
  if (field.kind === "enum_list") input.placeholder = "comma-separated";
  if (placeholder && field.tier === "empty") input.placeholder = placeholder;
  if (shown != null) {
    if (Array.isArray(shown)) input.value = shown.join(", ");
    else if (typeof shown === "boolean") input.value = shown ? "yes" : "no";
    else input.value = String(shown);
  }
  return input;
}

function renderField(name, field) {
  const box = document.createElement("div");
  box.className = `field tier-${field.tier}`;
  box.dataset.field = name;
  box.dataset.tier = field.tier;
  box.dataset.kind = field.kind;

  const title = document.createElement("label");
  title.htmlFor = `field-${name}`;
  const text = document.createElement("span");
  text.textContent = label(name);
  const badge = document.createElement("span");
  badge.className = `badge tier-${field.tier}`;
  const percent = Math.round(field.confidence * 100);
  badge.textContent = field.tier === "empty" ? TIER_TEXT.empty : `${TIER_TEXT[field.tier]} ${percent}%`;
  badge.title = `model confidence ${percent}%`;
  title.append(text, badge);
  box.append(title, inputFor(name, field));

  if (field.tier === "yellow" && field.suggestion) {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.id = `hint-${name}`;
    hint.textContent = `Please check: ${field.suggestion}`;
    box.append(hint);
    const input = box.querySelector("input, textarea");
    if (input) input.setAttribute("aria-describedby", hint.id);
  }
  return box;
}

function renderDraft(listing) {
  draftFields = listing.fields;
  $("review").hidden = false;
  const counts = { green: 0, yellow: 0, empty: 0 };
  Object.values(listing.fields).forEach((field) => { counts[field.tier] += 1; });
  $("summary").textContent =
    `${listing.product_type || "item"}: ${counts.green} filled, ${counts.yellow} to check, ` +
    `${counts.empty} to add. Model ${listing.model || "-"}, cost $${listing.cost_usd.toFixed(6)}.`;
  const container = $("fields");
  container.replaceChildren(
    ...Object.entries(listing.fields).map(([name, field]) => renderField(name, field)),
  );
}

function readValue(name, field, form) {
  if (field.kind === "dimensions") {
    const sides = ["length", "width", "height"].map((side) => form.elements[`${name}.${side}`].value);
    if (sides.every((value) => value === "")) return null;
    const [length, width, height] = sides.map(Number);
    return { length, width, height };
  }
  const raw = form.elements[name].value.trim();
  if (raw === "") return null;
  if (field.kind === "number") return Number(raw);
  if (field.kind === "boolean") return /^(y|yes|true|1)$/i.test(raw);
  if (field.kind === "enum_list") return raw.split(",").map((item) => item.trim()).filter(Boolean);
  return raw;
}

function markEdited(name) {
  const box = document.querySelector(`.field[data-field="${name}"]`);
  if (!box || box.querySelector(".badge.edited")) return;
  const badge = document.createElement("span");
  badge.className = "badge edited";
  badge.textContent = "Edited by you";
  box.querySelector("label").append(badge);
}

async function save(event) {
  event.preventDefault();
  showError("");
  const form = $("listing-form");
  const fields = {};
  Object.entries(draftFields).forEach(([name, field]) => {
    fields[name] = readValue(name, field, form);
  });
  $("save").disabled = true;
  $("save-state").textContent = "Saving...";
  try {
    const saved = await api("PUT", `/listings/${encodeURIComponent(listingId)}`, { fields });
    const edited = Object.entries(saved.fields).filter(([, field]) => field.edited);
    edited.forEach(([name]) => markEdited(name));
    $("save-state").textContent = `Saved: listing ${saved.status.toLowerCase()}, ${edited.length} field(s) changed.`;
    document.body.dataset.saved = saved.status;
    $("status").textContent = describeStatus(saved);
  } catch (error) {
    $("save-state").textContent = "";
    showError(error.message);
  } finally {
    $("save").disabled = false;
  }
}

async function start(event) {
  event.preventDefault();
  showError("");
  const files = Array.from($("photos").files);
  if (files.length === 0 || files.length > 8) {
    showError("Choose between 1 and 8 photos.");
    return;
  }
  $("start").disabled = true;
  $("uploads").replaceChildren();
  try {
    const photos = files.map((file) => ({ content_type: contentType(file), size_bytes: file.size }));
    const created = await api("POST", "/listings", { photos });
    listingId = created.listing_id;
    document.body.dataset.listingId = listingId;
    const rows = files.map(uploadRow);
    await Promise.all(created.uploads.map((form, index) => upload(form, files[index], rows[index])));
    renderDraft(await follow(listingId));
  } catch (error) {
    showError(error.message);
    $("start").disabled = false;
  }
}

$("photos").addEventListener("change", () => {
  $("start").disabled = $("photos").files.length === 0;
});
$("photo-form").addEventListener("submit", start);
$("listing-form").addEventListener("submit", save);
