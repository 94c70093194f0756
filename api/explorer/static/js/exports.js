// Export what is on screen through /export/{format}, with the view's own selection.
import { apiUrl } from "./api.js";
import { h } from "./dom.js";

export const FORMATS = [["gexf", "GEXF"], ["graphml", "GraphML"], ["csv", "Gephi CSV"],
                        ["cytoscape", "Cytoscape JSON"]];

/** Download links of the selection `params` (seed/depth or link/k, and the filters). */
export function exportLinks(params) {
  return h("p", { class: "exports" }, "Export this graph: ",
    FORMATS.map(([format, label]) => h("a", {
      href: apiUrl(`/export/${format}`, params), download: "", dataset: { format },
    }, label)));
}
