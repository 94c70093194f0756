// The explorer's router: the state of the page is its address (#/view?param=…), so views can be
// shared, bookmarked, and walked with back/forward. Each navigation renders one view, cancels
// the calls of the previous one, and says when it is done (body[data-state], a performance mark).
import { Problem } from "./api.js";
import { h } from "./dom.js";
import { showProblem, clearMessage } from "./messages.js";
import { installSearch } from "./search.js";
import { entityView } from "./entity.js";
import { linksView } from "./links.js";
import { agreementView, agreementsView } from "./agreements.js";
import { timelineView } from "./timeline.js";
import { homeView } from "./home.js";

const VIEWS = {
  "": homeView,
  entity: entityView,
  links: linksView,
  agreement: agreementView,
  agreements: agreementsView,
  timeline: timelineView,
};

/** The current route: the view's name and its parameters, from the address. */
export function currentRoute() {
  const hash = location.hash.startsWith("#/") ? location.hash.slice(2) : "";
  const [name, query = ""] = hash.split("?", 2);
  return { name, params: Object.fromEntries(new URLSearchParams(query)) };
}

let controller = null;
let sequence = 0;

async function render(event) {
  const { name, params } = currentRoute();
  controller?.abort();
  controller = new AbortController();
  const run = ++sequence;
  const main = document.getElementById("view");
  document.body.dataset.state = "loading";
  main.setAttribute("aria-busy", "true");
  clearMessage();
  window.explorer.graph = null;
  const view = VIEWS[name];
  performance.mark("explorer:start");
  try {
    if (!view) throw new Problem(404, { title: "Not found", detail: `no view named '${name}'` });
    const content = await view(params, controller.signal);
    if (run !== sequence) return;
    performance.mark("explorer:data");  // the API answered, the view's DOM is built
    main.replaceChildren(content);
    await content.mounted?.();  // drawn once in the page (a graph needs its box's size)
    finish(run, "ready");
    if (event) main.focus({ preventScroll: true });  // moved on: screen readers start here
  } catch (error) {
    if (error.name === "AbortError" || run !== sequence) return;
    // A view with a form keeps it (to correct the query); the message says what went wrong.
    main.replaceChildren(view?.fallback?.(params) || h("p", {}, "Nothing to show: see the message above."));
    showProblem(error instanceof Problem ? error
      : new Problem(-1, { title: "The page failed", detail: String(error) }), params);
    finish(run, "error");
  }
}

function finish(run, state) {
  if (run !== sequence) return;
  const main = document.getElementById("view");
  main.setAttribute("aria-busy", "false");
  document.body.dataset.state = state;
  document.body.dataset.rendered = location.hash;
  performance.mark(`explorer:${state}`, { detail: location.hash });
  const heading = main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · diplograph` : "diplograph explorer";
}

window.explorer = { graph: null, currentRoute };
installSearch();
window.addEventListener("hashchange", (event) => {
  // "#view" (the skip link) is an anchor in the page, not a view: only "#/…" addresses route.
  if (location.hash === "" || location.hash.startsWith("#/")) render(event);
});
render(null);
