/* global DOMParser, FileReader */
// Progressive enhancement for Ecotone's pages. Everything works without it;
// with it, forms say that they are working and keep what was typed when the
// server refuses them, lists update themselves, the composer previews
// Markdown and completes @names and #tags, and the task board moves cards by
// drag and drop or by keyboard.
import "./composer.js";
import "./push-optin.js";

const status = document.getElementById("status");

function say(message, kind) {
  if (!status) return;
  status.textContent = message;
  status.className = `flash ${kind}`;
}

function csrf() {
  return document.querySelector('input[name="_csrf"]')?.value ?? "";
}

// --- Input survives a refusal ------------------------------------------------
// Before a form is sent, what was typed is kept in this tab's sessionStorage.
// If the next page reports an error, the same form gets it back; after a
// success it is forgotten. Passwords and files are never kept.
const DRAFTS = "ecotone-drafts";
const drafts = JSON.parse(sessionStorage.getItem(DRAFTS) ?? "{}");
const keyOf = (form) => `${form.getAttribute("action")}#${[...document.querySelectorAll(`form[action="${form.getAttribute("action")}"]`)].indexOf(form)}`;

function keepDraft(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.name === "_csrf" || el.type === "password" || el.type === "file" || el.type === "hidden" || el.type === "submit") continue;
    values[el.name] = el.type === "checkbox" ? el.checked : el.value;
  }
  drafts[keyOf(form)] = { values, at: Date.now(), page: location.pathname };
  sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
}

const refused = status?.classList.contains("error");
for (const form of document.querySelectorAll("form[method=post]")) {
  const draft = drafts[keyOf(form)];
  if (!draft) continue;
  if (refused && Date.now() - draft.at < 10 * 60_000) {
    for (const [name, value] of Object.entries(draft.values)) {
      const el = form.elements.namedItem(name);
      if (!el || el instanceof RadioNodeList) continue;
      if (el.type === "checkbox") el.checked = value;
      else el.value = value;
      // A folded section opens only when it had something in it (an empty warning stays folded).
      if (value !== "" && value !== false) el.closest("details")?.setAttribute("open", "");
    }
  }
  delete drafts[keyOf(form)];
}
sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));

// --- Pending feedback and confirmations --------------------------------------
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.method.toLowerCase() !== "post") return;
  keepDraft(form);
  form.setAttribute("aria-busy", "true");
  // Disabled after the event, so that the clicked button's own value is still sent.
  setTimeout(() => {
    for (const button of form.querySelectorAll("button")) button.disabled = true;
  });
  say("Working…", "pending");
});

// --- Live lists ---------------------------------------------------------------
// The server renders new items as HTML fragments; feeds add them on top,
// threads and comments below.
for (const list of document.querySelectorAll("[data-live]")) {
  let after = list.dataset.after ?? "";
  const poll = async () => {
    try {
      const url = new URL(list.dataset.live, window.location.href);
      url.searchParams.set("after", after);
      const response = await fetch(url, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (response.ok) {
        const newest = response.headers.get("x-newest");
        const fragment = await response.text();
        if (fragment.trim()) {
          list.querySelector(".empty")?.remove();
          list.insertAdjacentHTML(list.dataset.append ? "beforeend" : "afterbegin", fragment);
          say("New items arrived.", "done");
        }
        if (newest) after = newest;
      }
    } catch {
      // Offline for a moment: try again at the next tick.
    }
    window.setTimeout(poll, Number(list.dataset.interval ?? 3000));
  };
  window.setTimeout(poll, Number(list.dataset.interval ?? 3000));
}

// --- Copy buttons --------------------------------------------------------------
for (const button of document.querySelectorAll("[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand("copy");
    }
    say("Copied.", "done");
  });
}

// --- Markdown preview -----------------------------------------------------------
for (const button of document.querySelectorAll("[data-preview]")) {
  const textarea = document.getElementById(button.dataset.preview);
  const target = document.querySelector(`[data-preview-for="${button.dataset.preview}"]`);
  button.hidden = false;
  button.addEventListener("click", async () => {
    const body = new URLSearchParams({ _csrf: csrf(), content: textarea.value });
    const response = await fetch("/_preview", { method: "POST", body, credentials: "same-origin" });
    const answer = await response.json();
    if (!response.ok) return say(answer.error ?? "Preview failed.", "error");
    // The server rendered and sanitised this HTML, exactly as it will be posted.
    target.innerHTML = answer.html || '<p class="muted">Nothing to preview.</p>';
  });
}

// --- @mention and #tag autocomplete ---------------------------------------------
function attachCompletion(input) {
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.id = `${input.id}-suggestions`;
  list.hidden = true;
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  let items = [];
  let active = -1;
  let timer = 0;
  const wordAtCursor = () => {
    if (input.dataset.complete === "people") return { start: 0, word: input.value.startsWith("@") ? input.value : `@${input.value}` };
    const before = input.value.slice(0, input.selectionStart);
    const match = /(^|[\s(])([@#][\p{L}\p{N}_.@-]*)$/u.exec(before);
    return match ? { start: before.length - match[2].length, word: match[2] } : null;
  };
  const close = () => {
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
  };
  const choose = (i) => {
    const at = wordAtCursor();
    if (!at || !items[i]) return;
    if (input.dataset.complete === "people") input.value = items[i].value;
    else {
      const end = input.selectionStart;
      input.value = `${input.value.slice(0, at.start)}${items[i].value} ${input.value.slice(end)}`;
      input.selectionStart = input.selectionEnd = at.start + items[i].value.length + 1;
    }
    close();
    input.focus();
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, n) => li.setAttribute("aria-selected", String(n === i)));
    if (list.children[i]) input.setAttribute("aria-activedescendant", list.children[i].id);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const at = wordAtCursor();
    if (!at || at.word.length < 2) return close();
    timer = setTimeout(async () => {
      const response = await fetch(`/_complete?q=${encodeURIComponent(at.word)}`, { credentials: "same-origin" });
      if (!response.ok) return close();
      items = await response.json();
      list.textContent = "";
      items.forEach((item, n) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${n}`;
        li.setAttribute("role", "option");
        li.textContent = item.label;
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          choose(n);
        });
        list.append(li);
      });
      list.hidden = items.length === 0;
      highlight(items.length ? 0 : -1);
    }, 150);
  });
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      highlight((active + 1) % items.length);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      highlight((active - 1 + items.length) % items.length);
    } else if ((e.key === "Enter" || e.key === "Tab") && active >= 0) {
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape") close();
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}
for (const input of document.querySelectorAll("[data-complete]")) attachCompletion(input);

// --- Task board: drag and drop, or Space + arrows -------------------------------
const board = document.querySelector("[data-board]");
if (board) {
  const columns = [...board.querySelectorAll("section[data-status]")];
  const move = async (card, column) => {
    const body = new URLSearchParams({ _csrf: board.dataset.csrf, status: column.dataset.status });
    say("Moving…", "pending");
    // Not following the redirect: the reloaded page is the one to show the flash (moved, or why not).
    const response = await fetch(`/tasks/${card.dataset.task}/status`, { method: "POST", body, credentials: "same-origin", redirect: "manual" });
    if (response.type === "opaqueredirect" || response.ok) window.location.reload();
    else say("The task could not be moved; reload and try again.", "error");
  };
  let dragged = null;
  for (const card of board.querySelectorAll(".task[draggable]")) {
    card.tabIndex = 0;
    card.setAttribute("aria-roledescription", "movable task");
    card.addEventListener("dragstart", (e) => {
      dragged = card;
      card.classList.add("dragging");
      e.dataTransfer.setData("text/plain", card.dataset.task);
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("dragging");
      dragged = null;
    });
    let picked = null; // the column index while moving by keyboard
    card.addEventListener("keydown", (e) => {
      if (e.target !== card) return;
      const here = columns.indexOf(card.closest("section"));
      if (e.key === " " || e.key === "Enter") {
        e.preventDefault();
        if (picked === null) {
          picked = here;
          card.setAttribute("aria-grabbed", "true");
          say(`Picked up “${card.querySelector("h3").textContent}”. Left and right arrows choose a column, Space drops it, Escape cancels.`, "pending");
        } else {
          const target = columns[picked];
          picked = null;
          card.removeAttribute("aria-grabbed");
          columns.forEach((c) => c.classList.remove("drop-target"));
          if (target !== columns[here]) move(card, target);
          else say("Left where it was.", "done");
        }
      } else if (picked !== null && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
        e.preventDefault();
        picked = Math.max(0, Math.min(columns.length - 1, picked + (e.key === "ArrowRight" ? 1 : -1)));
        columns.forEach((c, i) => c.classList.toggle("drop-target", i === picked));
        say(`Drop into ${columns[picked].querySelector("h2").textContent}?`, "pending");
      } else if (picked !== null && e.key === "Escape") {
        picked = null;
        card.removeAttribute("aria-grabbed");
        columns.forEach((c) => c.classList.remove("drop-target"));
        say("Move cancelled.", "done");
      }
    });
  }
  for (const column of columns) {
    column.addEventListener("dragover", (e) => {
      if (dragged) {
        e.preventDefault();
        column.classList.add("drop-target");
      }
    });
    column.addEventListener("dragleave", () => column.classList.remove("drop-target"));
    column.addEventListener("drop", (e) => {
      e.preventDefault();
      column.classList.remove("drop-target");
      if (dragged && dragged.closest("section") !== column) move(dragged, column);
    });
  }
}

// --- Live board: another person's move shows up without a reload -------------
// The board page itself is fetched again and its columns swapped in, unless a
// card is being moved right now.
if (board?.dataset.liveBoard) {
  // Which task is where, at which version: what a change of the board changes.
  const signature = (root) =>
    [...root.querySelectorAll(".task")].map((t) => `${t.dataset.task}:${t.dataset.version}:${t.closest("section").dataset.status}`).join();
  const refresh = async () => {
    // Never while someone is moving a card or typing into a form on the page.
    const typing =
      [...document.querySelectorAll("form input[type=text], form textarea")].some((el) => el.value !== "") ||
      document.activeElement?.matches("input, textarea, select");
    if (!typing && !document.querySelector(".task.dragging, .task[aria-grabbed]")) {
      try {
        const response = await fetch(board.dataset.liveBoard, { credentials: "same-origin" });
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-board]");
        if (response.ok && fresh && signature(fresh) !== signature(board)) window.location.reload();
      } catch {
        // Offline for a moment.
      }
    }
    window.setTimeout(refresh, 5000);
  };
  window.setTimeout(refresh, 5000);
}

// --- Single images (profile pictures): show what will be sent ----------------------------------
// (A post's several images are the composer's: composer.js.)
for (const input of document.querySelectorAll('input[type=file][accept^="image/"]:not([multiple])')) {
  const preview = document.createElement("img");
  preview.alt = "";
  preview.className = "upload-preview";
  preview.hidden = true;
  input.insertAdjacentElement("afterend", preview);
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (!file) {
      preview.hidden = true;
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      preview.src = reader.result;
      preview.hidden = false;
    };
    reader.readAsDataURL(file);
  });
}

// --- Phone menu: close it after choosing, and on Escape ---------------------------
const menu = document.querySelector("details.menu");
menu?.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

// --- Installable app: the service worker keeps the offline shell -----------------
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
