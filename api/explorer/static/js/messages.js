// Problem answers of the API (application/problem+json) as clear messages, never a blank page.
import { h, viewHref } from "./dom.js";

const HEADLINES = {
  0: "The server cannot be reached.",
  404: "Not found.",
  409: "That name is ambiguous.",
  422: "A parameter is not valid.",
  429: "Too many requests: try again in a moment.",
  503: "The graph store is unavailable right now (is Neo4j running?). Try again shortly.",
  504: "The query ran out of time: narrow it (fewer steps, filters).",
};

export function clearMessage() {
  document.getElementById("message").replaceChildren();
}

/** Show a Problem (status and RFC 9457 body) in the message area; `params` are the view's. */
export function showProblem(problem, params = {}) {
  const body = problem.body || {};
  const headline = HEADLINES[problem.status]
    || (problem.status >= 500 ? "The server failed to answer." : body.title || "Error.");
  const parts = [h("strong", {}, headline), " ", body.detail || body.title || ""];
  if (problem.status > 0) parts.push(h("span", { class: "claimant" }, ` (HTTP ${problem.status})`));
  const listed = Array.isArray(body.problems) ? body.problems : [];
  if (problem.status === 409 && listed.length) {
    parts.push(h("p", {}, "Did you mean:"),
      h("ul", { class: "candidates" }, listed.map((c) => h("li", {},
        h("a", { href: candidateHref(c, params) }, c.name || c.id), ` (${c.types.join(", ")}; ${c.id})`))));
  } else if (listed.length) {
    parts.push(h("ul", {}, listed.map((p) => h("li", {},
      [p.parameter || p.name || p.pointer, p.detail || p.message].filter(Boolean).join(": ")))));
  }
  const box = document.getElementById("message");
  box.dataset.status = String(problem.status);
  box.replaceChildren(...parts);
}

/** Where a candidate of an ambiguous name leads: the same links query with that end replaced
 * (the end given as a name rather than an id), else the candidate's own page. */
function candidateHref(candidate, params) {
  if (params.a !== undefined || params.b !== undefined) {
    const end = params.a && !params.a.includes("/") ? "a" : "b";
    return viewHref("links", { ...params, [end]: candidate.id });
  }
  return viewHref("entity", { id: candidate.id });
}
