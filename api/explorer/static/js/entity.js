// The entity page: who it is (names, aliases, posts over time, agreements, influences), its ego
// network drawn (depth 1–2, filters, click a node to move on) and the facts with evidence.
import { getJson, idPath } from "./api.js";
import { h, entityLink, articleLink, cappedList, section, period, viewHref } from "./dom.js";
import { drawGraph, graphBox, legend } from "./graph.js";
import { factsPanel } from "./facts.js";
import { exportLinks } from "./exports.js";
import { field, filterForm, select, apiFilters } from "./filters.js";

const NEIGHBOURS = 300;  // actors drawn at once (a hub of 200+ fits; more are paged)

export async function entityView(params, signal) {
  const id = params.id;
  if (!id) throw new Error("no entity id in the address");
  const depth = params.depth === "2" ? 2 : 1;
  const query = { depth, limit: NEIGHBOURS, offset: params.offset, ...apiFilters(params) };
  const [detail, network] = await Promise.all([
    getJson(`/entities/${idPath(id)}`, {}, signal),
    getJson(`/entities/${idPath(id)}/neighbours`, query, signal),
  ]);
  const box = graphBox(`Ego network of ${detail.entity.name}: ${network.nodes.length} actors`);
  const panel = factsPanel(network);
  const view = h("article", { class: "entity", dataset: { id } },
    header(detail),
    h("div", { class: "layout" },
      h("div", {},
        h("h2", {}, `Ego network (${network.nodes.length - 1} of ${network.total} actors)`),
        filterForm("entity", params, [field("Depth", select("depth", [1, 2], depth))]),
        notices(network, params), legend(), box,
        exportLinks({ seed: id, depth, ...apiFilters(params) })),
      panel),
    facts(detail));
  view.mounted = () => drawGraph(box, network, {
    focus: [id],
    onNode: (node) => { if (node !== id) location.hash = viewHref("entity", { id: node }); },
    onEdge: (edge) => panel.select(edge),
  });
  return view;
}

function header(detail) {
  const { entity } = detail;
  return h("header", { class: "entity-head" },
    h("h1", {}, entity.name || entity.id),
    h("p", { class: "types" }, entity.types.join(", "), " · ", entity.id,
      detail.iso_code ? ` · ISO ${detail.iso_code}` : "",
      detail.wikidata ? ` · Wikidata ${detail.wikidata}` : ""),
    detail.aliases.length ? h("p", {}, "Also known as: ", detail.aliases.join(" · ")) : "",
    h("p", {}, h("a", { href: viewHref("timeline", { id: entity.id }) }, "Timeline"), " · ",
      h("a", { href: viewHref("links", { a: entity.id }) }, "Links to another actor…"), " · ",
      h("a", { href: viewHref("agreements", { party: entity.id }) }, "Agreements")));
}

function notices(network, params) {
  const items = [];
  if (network.next !== null) {
    const next = viewHref("entity", { ...params, offset: network.next });
    items.push(h("p", { class: "notice" }, `Showing ${network.nodes.length - 1} of ${network.total}`,
      " actors. ", h("a", { href: next }, "Next page")));
  }
  if (network.hubs.length) {
    items.push(h("p", { class: "notice" }, "Hubs shown but not expanded: ",
      network.hubs.map((hub) => hub.name || hub.id).join(", ")));
  }
  return items;
}

function facts(detail) {
  const tenures = [...detail.tenures].sort((a, b) => (a.start || "").localeCompare(b.start || ""));
  const some = (items, render) => (items.length ? cappedList(items, render) : null);
  return h("div", { class: "entity-facts" },
    section("Posts over time", some(tenures, (t) => h("li", {},
      t.holder.id === detail.entity.id ? "" : [entityLink(t.holder), ": "],
      t.post_name || t.post, t.post_in ? [" (", entityLink(t.post_in), ")"] : "",
      ` · ${period(t.start, t.end)} · `, t.sources.map(articleLink)))),
    section("Agreements", some(detail.agreements, (a) => h("li", {},
      h("a", { href: viewHref("agreement", { id: a.id }) }, a.title || a.id),
      ` · ${a.date_signed || "undated"} · ${a.roles.join(", ")}`))),
    section("Influences", some(detail.influences, influence)),
    section("Spellings", some(detail.spellings || [], (s) => h("li", {},
      `${s.text} (${s.kind}) · `, s.articles.map(articleLink)))),
    (detail.merged_from || []).length
      ? h("p", { class: "notice" }, "Merged from: ", detail.merged_from.join(" · "))
      : "",
    section("Articles", some(detail.sources, (s) => h("li", {}, articleLink(s)))));
}

/** One influence with its evidence (shared with the timeline). */
export function influence(item) {
  return h("li", {}, entityLink(item.influencer), ` → ${item.kind?.notation || "influence"} `,
    `(${item.direction || "?"}) → `, entityLink(item.influenced), ` · ${period(item.start, item.end)}`,
    item.description ? h("div", {}, item.description) : "",
    (item.evidence?.quotes || []).map((quote) => h("blockquote", {}, `“${quote}”`)),
    item.evidence?.claimants?.length ? h("span", { class: "claimant" }, `— ${item.evidence.claimants.join(", ")}`) : "");
}
