// The facts of a drawn graph (its edges) with their evidence: the side panel, and the text
// equivalent of the drawing for keyboard and screen-reader users.
import { h, entityLink, evidenceItem, period, viewHref } from "./dom.js";

const FIRST = 60;  // facts listed at once; the rest on demand (a hub has hundreds)

function via(edge) {
  if (!edge.via) return "";
  if (edge.via.startsWith("agreement/")) {
    return h("a", { href: viewHref("agreement", { id: edge.via }) }, "the agreement");
  }
  return h("span", { class: "claimant" }, edge.via);
}

function factItem(edge, nodes) {
  const name = (id) => entityLink({ id, name: nodes.get(id)?.label });
  return h("li", { class: "fact", id: `fact-${edge.id}`, tabindex: "-1", dataset: { edge: edge.id } },
    name(edge.source), ` — ${edge.label}${edge.inferred ? " (inferred)" : ""} ${edge.directed ? "→" : "—"} `,
    name(edge.target), ` · ${period(edge.start, edge.end)} `, via(edge),
    edge.evidence?.length ? h("ul", { class: "evidences" }, edge.evidence.map(evidenceItem))
      : h("div", { class: "claimant" }, `no quote; sources: ${edge.sources.length}`));
}

/** The panel of facts of `graph` ({nodes, edges}); `title` heads it. */
export function factsPanel(graph, title = "Facts and evidence") {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const list = h("ul", { class: "facts", "aria-label": title });
  const more = h("button", { type: "button" }, `Show all ${graph.edges.length} facts`);
  const fill = (count) => list.replaceChildren(...graph.edges.slice(0, count).map((e) => factItem(e, nodes)));
  fill(FIRST);
  more.addEventListener("click", () => { fill(graph.edges.length); more.remove(); });
  const panel = h("aside", { class: "panel", "aria-label": title },
    h("h2", {}, `${title} (${graph.edges.length})`), list,
    graph.edges.length > FIRST ? more : "");
  panel.select = (edgeId) => {
    if (!list.querySelector(`[data-edge="${CSS.escape(edgeId)}"]`)) fill(graph.edges.length);
    list.querySelectorAll(".selected").forEach((item) => item.classList.remove("selected"));
    const item = list.querySelector(`[data-edge="${CSS.escape(edgeId)}"]`);
    item?.classList.add("selected");
    item?.scrollIntoView({ block: "nearest" });
    item?.focus();
  };
  return panel;
}
