// The start page: what the explorer does, and a few ways in.
import { getJson } from "./api.js";
import { h, viewHref } from "./dom.js";

export async function homeView(params, signal) {
  const stats = await getJson("/stats", {}, signal);
  return h("article", {}, h("h1", {}, "diplograph explorer"),
    h("p", {}, "Find an actor with the search box (names and aliases: try “Chengriha”), then follow its ego network, ",
      "the links between two actors, agreements and timelines. Every fact shows its evidence: quote, article, claimant."),
    h("p", {}, `${stats.articles} article(s) loaded, ${stats.triples} RDF triples`,
      stats.nodes !== null ? `, ${stats.nodes} nodes in Neo4j.` : "."),
    h("ul", {},
      h("li", {}, h("a", { href: viewHref("links", { a: "country/DZA", b: "country/RUS", k: 3 }) }, "Which actors link Algeria and Russia?")),
      h("li", {}, h("a", { href: viewHref("agreements") }, "All agreements")),
      h("li", {}, h("a", { href: viewHref("timeline") }, "Timeline of the whole graph"))));
}
