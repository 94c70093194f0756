// Parse a GEXF file with graphology-gexf and print what it read as JSON:
//   node read_gexf.js FILE
// {"nodes": n, "edges": m, "type": "directed|undirected|mixed", "multi": bool,
//  "kinds": {kind: count}, "node": {id: attributes}, "edge": {id: attributes}}
"use strict";
const fs = require("fs");
const Graph = require("graphology");
const gexf = require("graphology-gexf");

const text = fs.readFileSync(process.argv[2], "utf8");
const graph = gexf.parse(Graph, text);
const kinds = {};
const edges = {};
graph.forEachEdge((key, attributes, source, target, _s, _t, undirected) => {
  const kind = attributes.kind || "";
  kinds[kind] = (kinds[kind] || 0) + 1;
  edges[key] = { source, target, undirected, ...attributes };
});
const nodes = {};
graph.forEachNode((key, attributes) => {
  nodes[key] = attributes;
});
process.stdout.write(
  JSON.stringify({
    nodes: graph.order,
    edges: graph.size,
    type: graph.type,
    multi: graph.multi,
    kinds,
    node: nodes,
    edge: edges,
  }),
);
