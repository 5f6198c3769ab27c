// Progressive enhancement for Ecotone's pages. Everything works without it;
// with it, forms say that they are working, and lists of posts and tasks
// update themselves without a reload.
const status = document.getElementById("status");

function say(message, kind) {
  if (!status) return;
  status.textContent = message;
  status.className = `flash ${kind}`;
}

// Pending feedback: the page navigates when the server answers, and the next
// page shows what happened (done, or the error and its reason).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.method.toLowerCase() !== "post") return;
  form.setAttribute("aria-busy", "true");
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  say("Working…", "pending");
});

// Live lists: the server renders new items as HTML fragments; we add them on top.
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
          list.insertAdjacentHTML("afterbegin", fragment);
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
