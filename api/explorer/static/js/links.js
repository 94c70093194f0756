// The links view: which actors link A and B. Paths drawn, intermediaries ranked, every step with
// its facts and quotes, and a notice when the answer is partial (truncated or not exact).
import { getJson } from "./api.js";
import { h, entityLink, viewHref } from "./dom.js";
import { drawGraph, graphBox, legend } from "./graph.js";
import { factsPanel } from "./facts.js";
import { exportLinks } from "./exports.js";
import { field, filterForm, select, apiFilters } from "./filters.js";

const PATHS_SHOWN = 40;

function linksForm(params) {
  const k = params.k || "3";
  const ends = [
    field("Actor A (name or id)", h("input", { name: "a", value: params.a || "", required: true })),
    field("Actor B (name or id)", h("input", { name: "b", value: params.b || "", required: true })),
    field("Steps (k)", select("k", [1, 2, 3, 4], k)),
  ];
  return filterForm("links", params, ends);
}

export async function linksView(params, signal) {
  const k = params.k || "3";
  const form = linksForm(params);
  if (!params.a || !params.b) {
    return h("article", { class: "links" }, h("h1", {}, "Links between two actors"), form);
  }
  const answer = await getJson("/links", { a: params.a, b: params.b, k, ...apiFilters(params) }, signal);
  const a = answer.source.id;
  const b = answer.target.id;
  const box = graphBox(`Paths between ${answer.source.name} and ${answer.target.name}`);
  const panel = factsPanel(answer, "Facts on the paths");
  const view = h("article", { class: "links" },
    h("h1", {}, `Links between ${answer.source.name} and ${answer.target.name}`), form,
    partial(answer),
    h("div", { class: "layout" },
      h("div", {}, legend(), box,
        exportLinks({ link: [a, b], k, ...apiFilters(params) }),
        intermediaries(answer), paths(answer)),
      panel));
  view.mounted = () => drawGraph(box, answer, {
    focus: [a, b],
    onNode: (node) => { location.hash = viewHref("entity", { id: node }); },
    onEdge: (edge) => panel.select(edge),
  });
  return view;
}

/** What the view shows when the query failed: its form, to correct it. */
linksView.fallback = (params) => h("article", { class: "links" },
  h("h1", {}, "Links between two actors"), linksForm(params));

/** A notice when the answer is not the whole truth: enumeration stopped, counts estimated. */
function partial(answer) {
  const inexact = answer.counts.filter((count) => !count.exact).map((count) => count.length);
  if (!answer.truncated && !inexact.length && answer.ranking === "complete") {
    return h("p", { class: "complete" }, `${answer.paths.length} path(s) of at most ${answer.k} steps; complete answer.`);
  }
  return h("p", { class: "notice partial", role: "status" },
    h("strong", {}, "Partial answer: "),
    answer.truncated ? `the search stopped (${answer.reason || "limit reached"}). ` : "",
    inexact.length ? `Counts of paths of length ${inexact.join(", ")} are lower bounds. ` : "",
    answer.ranking !== "complete" ? `The ranking is ${answer.ranking}. ` : "",
    "Narrow the query (fewer steps, relation or date filters) for a complete one.");
}

function intermediaries(answer) {
  if (!answer.intermediaries.length) return h("p", {}, "No intermediary: only direct facts, if any.");
  return h("section", {}, h("h2", {}, "Intermediaries, ranked"),
    h("table", { class: "intermediaries" },
      h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Actor"), h("th", {}, "Paths"),
        h("th", {}, "Articles"))),
      h("tbody", {}, answer.intermediaries.map((item) => h("tr", {},
        h("td", {}, item.rank), h("td", {}, entityLink(item.entity)), h("td", {}, item.paths),
        h("td", {}, item.sources))))));
}

function paths(answer) {
  const names = new Map(answer.nodes.map((node) => [node.id, node.label || node.id]));
  const edges = new Map(answer.edges.map((edge) => [edge.id, edge]));
  const shown = answer.paths.slice(0, PATHS_SHOWN);
  return h("section", {}, h("h2", {}, `Paths (${answer.paths.length})`),
    h("ol", { class: "paths" }, shown.map((path) => h("li", {},
      path.nodes.map((id) => names.get(id) || id).join(" → "),
      path.inferred ? " (through an inferred link)" : "",
      h("ol", { class: "hops" }, path.hops.map((hop, i) => h("li", {},
        `${names.get(path.nodes[i])} — ${names.get(path.nodes[i + 1])}: `,
        hop.map((edgeId) => edges.get(edgeId)?.label).filter(Boolean).join("; "),
        quoteOf(hop.map((edgeId) => edges.get(edgeId)).filter(Boolean)))))))),
    answer.paths.length > PATHS_SHOWN ? h("p", {}, `… and ${answer.paths.length - PATHS_SHOWN} more.`) : "");
}

/** The first quote of a step's facts, as the step's summary (the panel has them all). */
function quoteOf(edges) {
  for (const edge of edges) {
    const evidence = (edge.evidence || []).find((item) => item.quote);
    if (evidence) return h("blockquote", {}, `“${evidence.quote}”`, h("span", { class: "claimant" }, ` — ${evidence.claimant || "?"}`));
  }
  return "";
}
