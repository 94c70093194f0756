// Drawing a {nodes, edges} answer of the API with Cytoscape.js (vendored, see explorer/).
// Node colour by type, edge label by kind; the centre (or the ends of a links query) stand out.
import cytoscape from "../vendor/cytoscape.esm.min.js";
import { h } from "./dom.js";

export const TYPE_COLOURS = {
  Country: "#1f5fa8",
  Official: "#b3471d",
  Person: "#c26a00",
  Organization: "#2e7d32",
  Region: "#6a3d9a",
};
const OTHER = "#666666";
const SMALL = 60;  // up to this many nodes, a force layout; beyond it, rings by depth (fast)
// Measuring labels is most of the cost of drawing a big graph (~2 ms each on a busy laptop): a
// big graph labels its focus and best connected nodes; the others on hover, selection or zoom.
const LABELLED = 30;

/** A legend of the node colours. */
export function legend() {
  return h("div", { class: "legend", "aria-label": "Node colours" },
    Object.entries(TYPE_COLOURS).map(([type, colour]) =>
      h("span", {}, h("i", { style: `background:${colour}` }), type)));
}

function elements(graph, focus) {
  const small = graph.nodes.length <= SMALL;
  const degree = new Map();
  for (const edge of graph.edges) {
    for (const end of [edge.source, edge.target]) degree.set(end, (degree.get(end) || 0) + 1);
  }
  const major = new Set(small ? graph.nodes.map((node) => node.id)
    : [...graph.nodes].sort((x, y) => (degree.get(y.id) || 0) - (degree.get(x.id) || 0))
      .slice(0, LABELLED).map((node) => node.id));
  const nodes = graph.nodes.map((node) => ({
    data: { id: node.id, label: node.label || node.id, type: node.type,
            colour: TYPE_COLOURS[node.type] || OTHER, depth: node.depth ?? 1,
            focus: focus.includes(node.id) ? 1 : 0,
            major: major.has(node.id) || focus.includes(node.id) ? 1 : 0 },
  }));
  const ids = new Set(graph.nodes.map((node) => node.id));
  // Parallel facts between two actors are drawn as one edge (labelled by their kinds, thicker
  // with their count): a fan of dozens of curves hides the graph; the panel lists every fact.
  const pairs = new Map();
  for (const edge of graph.edges) {
    if (!ids.has(edge.source) || !ids.has(edge.target)) continue;
    const key = [edge.source, edge.target].sort().join("\u0000");
    if (!pairs.has(key)) pairs.set(key, []);
    pairs.get(key).push(edge);
  }
  const edges = [...pairs.values()].map((group) => {
    const kinds = [...new Set(group.map((edge) => edge.kind || edge.relation))];
    const label = kinds.length > 2 ? `${kinds.slice(0, 2).join(", ")} +${kinds.length - 2}` : kinds.join(", ");
    return { data: { id: group[0].id, source: group[0].source, target: group[0].target,
                     label: group.length > 1 ? `${label} ×${group.length}` : label,
                     facts: group.length, labelled: small ? 1 : 0,
                     inferred: group.every((edge) => edge.inferred) ? 1 : 0 } };
  });
  return [...nodes, ...edges];
}

const STYLE = [
  { selector: "node", style: {
    "background-color": "data(colour)", "font-size": 10, width: 14, height: 14,
    color: "#1a1a1a", "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": 7 } },
  { selector: "node[major = 1], node.hover, node:selected", style: { label: "data(label)" } },
  { selector: "node[focus = 1]", style: { width: 26, height: 26, "font-size": 13,
    "font-weight": "bold", "border-width": 3, "border-color": "#f5a300" } },
  { selector: "edge", style: {
    width: "mapData(facts, 1, 10, 1.2, 5)", "line-color": "#9aa5b1", "curve-style": "straight",
    "font-size": 8, color: "#444", "text-rotation": "autorotate", "min-zoomed-font-size": 9,
    "text-background-color": "#fff", "text-background-opacity": 0.8 } },
  { selector: "edge[labelled = 1], edge.hover, edge:selected", style: { label: "data(label)" } },
  { selector: "edge[inferred = 1]", style: { "line-style": "dashed" } },
  { selector: ":selected", style: { "line-color": "#f5a300", "background-color": "#f5a300",
    width: 3 } },
];

/**
 * Draw `graph` in `container` (already in the page); `focus` are the ids to stand out. Resolves
 * with the Cytoscape instance once laid out; exposed as window.explorer.graph for tests.
 */
export function drawGraph(container, graph, { focus = [], onNode, onEdge } = {}) {
  const small = graph.nodes.length <= SMALL;
  const layout = small
    ? { name: "cose", animate: false, randomize: true, nodeRepulsion: () => 400000,
        idealEdgeLength: () => 100, nodeOverlap: 20, gravity: 80, fit: true, padding: 30,
        numIter: 1000 }
    : { name: "concentric", animate: false, fit: true, padding: 20, minNodeSpacing: 8,
        concentric: (node) => (node.data("focus") ? 100 : 10 - node.data("depth")),
        levelWidth: () => 1 };
  const cy = cytoscape({ container, elements: elements(graph, focus), style: STYLE,
                         maxZoom: 2.5, textureOnViewport: !small,
                         hideEdgesOnViewport: !small });
  cy.on("tap", "node", (event) => onNode?.(event.target.id()));
  cy.on("tap", "edge", (event) => onEdge?.(event.target.id()));
  cy.on("mouseover", "node, edge", (event) => event.target.addClass("hover"));
  cy.on("mouseout", "node, edge", (event) => event.target.removeClass("hover"));
  window.explorer.graph = cy;
  return new Promise((resolve) => {
    cy.one("layoutstop", () => resolve(cy));
    cy.layout(layout).run();
  });
}

/** A container for a graph, labelled for screen readers (the facts list is the text form). */
export function graphBox(label) {
  return h("div", { class: "graph", role: "img", "aria-label": label });
}
