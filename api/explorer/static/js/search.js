// Search as you type (GET /entities?q=…): names and aliases, with the spelling that matched, a
// type filter, and keyboard navigation (arrows, Enter, Escape) in an ARIA combobox.
import { getJson } from "./api.js";
import { h, viewHref } from "./dom.js";
import { showProblem } from "./messages.js";

const DELAY_MS = 120;

export function installSearch() {
  const input = document.getElementById("search-input");
  const type = document.getElementById("search-type");
  const list = document.getElementById("search-results");
  let timer = null;
  let controller = null;
  let active = -1;

  const options = () => [...list.querySelectorAll("[role=option]")];
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const all = options();
    active = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    if (all[active]) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
  };
  const choose = (option) => {
    if (!option) return;
    close();
    input.value = "";
    location.hash = viewHref("entity", { id: option.dataset.id });
  };

  async function lookup() {
    const q = input.value.trim();
    controller?.abort();
    if (!q) return close();
    controller = new AbortController();
    try {
      const page = await getJson("/entities", { q, type: type.value, limit: 12 }, controller.signal);
      show(page.items, q);
    } catch (error) {
      if (error.name !== "AbortError") showProblem(error);
    }
  }

  function show(items, q) {
    list.replaceChildren(...(items.length ? items.map(optionOf)
      : [h("li", { class: "empty", "aria-disabled": "true" }, `No actor matches “${q}”.`)]));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
    list.dataset.query = q;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, DELAY_MS);
  });
  type.addEventListener("change", lookup);
  input.addEventListener("keydown", (event) => {
    const count = options().length;
    if (event.key === "ArrowDown" && count) { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp" && count) { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape") close();
    else if (event.key === "Enter") {
      event.preventDefault();
      choose(options()[active >= 0 ? active : 0]);
    }
  });
  list.addEventListener("click", (event) => choose(event.target.closest("[role=option]")));
  document.getElementById("search").addEventListener("submit", (event) => event.preventDefault());
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#search")) close();
  });
}

let counter = 0;

function optionOf(item) {
  const { entity, matched, match } = item;
  const spelled = matched && matched !== entity.name;
  return h("li", { role: "option", id: `search-option-${++counter}`, "aria-selected": "false",
                   dataset: { id: entity.id } },
    h("span", { class: "name" }, entity.name || entity.id), " ",
    h("span", { class: "types" }, `(${entity.types.join(", ")})`), " ",
    spelled ? h("span", { class: "matched" }, `matched “${matched}” (${match})`) : "");
}
