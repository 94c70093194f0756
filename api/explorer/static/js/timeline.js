// Timelines: of an actor (GET /entities/{id}/timeline), or of the whole graph, composed from the
// agreements and influences lists (the API has no graph-wide timeline); filterable by kind.
import { getJson, idPath } from "./api.js";
import { h, entityLink, articleLink, cappedList, period, viewHref } from "./dom.js";
import { field, select } from "./filters.js";

const KINDS = ["", "agreement", "tenure", "influence", "event", "commitment", "relation", "signature"];

function kindForm(params) {
  const form = h("form", { class: "filters", "aria-label": "Filter the timeline" },
    field("Kind", select("kind", KINDS, params.kind || "")), h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = viewHref("timeline", { ...params, kind: new FormData(form).get("kind") });
  });
  return form;
}

function table(entries, kind) {
  const shown = entries.filter((entry) => !kind || entry.category === kind);
  const rows = cappedList(shown, (entry) => h("tr", {},
    h("td", {}, period(entry.date, entry.end)), h("td", {}, entry.category),
    h("td", {}, entry.href ? h("a", { href: entry.href }, entry.label) : entry.label),
    h("td", {}, entry.counterparts.flatMap((c, i) => (i ? [", ", entityLink(c)] : [entityLink(c)]))),
    h("td", {}, entry.sources.map(articleLink))), { first: 200, tag: "tbody" });
  const [body, more] = rows.tagName === "TBODY" ? [rows, ""] : [...rows.children];
  return h("div", {}, h("table", { class: "timeline" },
    h("thead", {}, h("tr", {}, ["Date", "Kind", "Fact", "With", "Articles"].map((t) => h("th", {}, t)))),
    body), more);
}

export async function timelineView(params, signal) {
  if (!params.id) return graphTimeline(params, signal);
  const answer = await getJson(`/entities/${idPath(params.id)}/timeline`, {}, signal);
  const entries = [...answer.entries, ...(answer.undated || [])].map((entry) => ({
    ...entry, label: entry.label || entry.fact,
    href: entry.category === "agreement" ? viewHref("agreement", { id: entry.fact }) : null,
  }));
  return h("article", {}, h("h1", {}, `Timeline of ${answer.entity.name}`),
    h("p", {}, entityLink(answer.entity)), kindForm(params), table(entries, params.kind));
}

async function graphTimeline(params, signal) {
  const [agreements, influences] = await Promise.all([
    getJson("/agreements", { limit: 1000 }, signal),
    getJson("/influences", { limit: 1000 }, signal),
  ]);
  const entries = [
    ...agreements.items.map((a) => ({ date: a.date_signed, end: null, category: "agreement",
      label: a.title || a.id, href: viewHref("agreement", { id: a.id }), counterparts: a.parties, sources: [] })),
    ...influences.items.map((i) => ({ date: i.start, end: i.end, category: "influence",
      label: `${i.influencer.name} → ${i.kind?.notation || "influence"} → ${i.influenced.name}`,
      counterparts: [i.influencer, i.influenced], sources: i.sources })),
  ].sort((x, y) => (x.date || "9999").localeCompare(y.date || "9999"));
  const partial = agreements.next !== null || influences.next !== null;
  return h("article", {}, h("h1", {}, "Timeline of the whole graph"),
    h("p", {}, "Agreements and influences by date; an actor's page links to its full timeline."),
    partial ? h("p", { class: "notice" }, "Partial: only the first 1,000 agreements and influences.") : "",
    kindForm(params), table(entries, params.kind));
}
