/* global DataTransfer, FileReader */
// The composer's enhancements (loaded by app.js): a preview and a description
// field beside each chosen image, with a way to take one out again; and, in a
// group, answered questions like the one being written, as it is typed.
// Without this script every description field shows and nothing is suggested.

// --- Images: one preview and one description each --------------------------------
for (const input of document.querySelectorAll("input[type=file][data-attachments]")) {
  const slots = [...document.getElementById(input.dataset.attachments).querySelectorAll(".alt-slot")];
  const altOf = (slot) => slot.querySelector("input");
  const maxBytes = Number(input.dataset.maxBytes);
  // On arrival nothing is chosen yet, but descriptions a refused form put back stay for the files chosen again.
  const show = (arriving = false) => {
    const files = [...(input.files ?? [])];
    // Refused here, before anything is sent, so nothing typed is lost.
    const big = files.find((f) => f.size > maxBytes);
    const problem =
      files.length > slots.length
        ? `Choose at most ${slots.length} images and files`
        : big
          ? `${big.name} is ${(big.size / 1024 / 1024).toFixed(1)} MB; files are at most ${maxBytes / 1024 / 1024} MB`
          : "";
    input.setCustomValidity(problem);
    if (problem) input.reportValidity();
    slots.forEach((slot, i) => {
      const file = files[i];
      slot.hidden = !file;
      slot.querySelector(".upload-preview")?.remove();
      slot.querySelector(".remove-image")?.remove();
      const label = slot.querySelector("label");
      if (!file) {
        if (!arriving) altOf(slot).value = "";
        label.textContent = `Describe attachment ${i + 1} for people who cannot see it`;
        return;
      }
      const image = file.type.startsWith("image/");
      const what = image ? "image" : "file";
      label.textContent = image ? `Describe image ${i + 1} (${file.name}) for people who cannot see it` : `Describe file ${i + 1} (${file.name}), if it helps`;
      if (image) {
        const img = document.createElement("img");
        img.alt = "";
        img.className = "upload-preview";
        const reader = new FileReader();
        reader.onload = () => {
          img.src = reader.result;
        };
        reader.readAsDataURL(file);
        slot.prepend(img);
      } else {
        const note = document.createElement("p");
        note.className = "upload-preview upload-file";
        note.textContent = `${file.name} · ${file.size < 1024 * 1024 ? `${Math.max(1, Math.round(file.size / 1024))} KB` : `${(file.size / 1024 / 1024).toFixed(1)} MB`}`;
        slot.prepend(note);
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link danger remove-image";
      remove.textContent = `Remove ${what} ${i + 1}`;
      remove.addEventListener("click", () => {
        // The files after it move up one place, and their descriptions with them.
        const kept = new DataTransfer();
        files.forEach((f, j) => {
          if (j !== i) kept.items.add(f);
        });
        const alts = slots
          .map(altOf)
          .map((a) => a.value)
          .filter((_, j) => j !== i);
        input.files = kept.files;
        slots.forEach((s, j) => {
          altOf(s).value = alts[j] ?? "";
        });
        show();
        input.focus();
      });
      slot.append(remove);
    });
  };
  show(true);
  input.addEventListener("change", () => show());
}

// --- Similar questions while writing one ----------------------------------------
for (const box of document.querySelectorAll("[data-similar]")) {
  const textarea = document.getElementById(box.dataset.similarFor);
  const asQuestion = textarea?.form?.querySelector('input[name="kind"][value="question"]');
  if (!textarea) continue;
  let timer = 0;
  let asked = "";
  const look = async () => {
    const text = textarea.value.trim();
    // A question: ticked as one, or written as one.
    const wanted = (asQuestion?.checked || text.includes("?")) && text.length >= 12;
    if (!wanted) {
      box.hidden = true;
      box.textContent = "";
      asked = "";
      return;
    }
    if (text === asked) return;
    asked = text;
    try {
      const url = new URL(box.dataset.similar, window.location.href);
      url.searchParams.set("q", text.slice(0, 500));
      const response = await fetch(url, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok || asked !== text) return;
      // Rendered and escaped by the server, like every fragment of a page.
      box.innerHTML = await response.text();
      box.hidden = box.innerHTML.trim() === "";
    } catch {
      // Offline for a moment: the next keystroke tries again.
      asked = "";
    }
  };
  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(look, 400);
  });
  asQuestion?.addEventListener("change", look);
}
