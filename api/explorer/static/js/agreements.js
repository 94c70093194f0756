// Agreements: a list (by party) and the agreement page (parties, signatures and on whose behalf,
// dates, areas, commitments with their status, follow-up bodies, events, evidence).
import { getJson, idPath } from "./api.js";
import { h, entityLink, articleLink, section, period, viewHref } from "./dom.js";
import { field } from "./filters.js";

export async function agreementsView(params, signal) {
  const page = await getJson("/agreements", { party: params.party, limit: 100, offset: params.offset }, signal);
  const form = h("form", { class: "filters", "aria-label": "Filter agreements" },
    field("Party (name or id)", h("input", { name: "party", value: params.party || "" })),
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = viewHref("agreements", { party: new FormData(form).get("party") });
  });
  return h("article", {}, h("h1", {}, `Agreements (${page.total})`), form,
    h("table", {}, h("thead", {}, h("tr", {}, ["Title", "Signed", "Parties", "Signatories"].map((t) => h("th", {}, t)))),
      h("tbody", {}, page.items.map((a) => h("tr", {},
        h("td", {}, h("a", { href: viewHref("agreement", { id: a.id }) }, a.title || a.id)),
        h("td", {}, a.date_signed || "undated"),
        h("td", {}, list(a.parties)), h("td", {}, list(a.signatories)))))),
    page.next !== null ? h("a", { href: viewHref("agreements", { ...params, offset: page.next }) }, "Next page") : "");
}

function list(entities) {
  return entities.flatMap((entity, i) => (i ? [", ", entityLink(entity)] : [entityLink(entity)]));
}

function quotes(evidence) {
  if (!evidence) return "";
  return [(evidence.quotes || []).map((quote) => h("blockquote", {}, `“${quote}”`)),
    evidence.claimants?.length ? h("div", { class: "claimant" }, `— ${evidence.claimants.join(", ")}`) : ""];
}

const notation = (term) => term?.notation || "";

export async function agreementView(params, signal) {
  if (!params.id) throw new Error("no agreement id in the address");
  const a = await getJson(`/agreements/${idPath(params.id)}`, {}, signal);
  const facts = [
    ["Type", a.types.join(", ")],
    ["Signed", [a.date_signed || "undated", a.place_signed ? [" in ", entityLink(a.place_signed)] : ""]],
    ["Legally binding", a.legally_binding === null ? "not stated" : a.legally_binding ? "yes" : "no"],
    ["Negotiated by", a.negotiated_by.length ? list(a.negotiated_by) : "not stated"],
    ["Negotiation", a.negotiation_period || "not stated"],
    ["Areas", a.areas.map(notation).join(", ") || "none stated"],
  ];
  return h("article", { class: "agreement", dataset: { id: a.id } },
    h("h1", {}, a.title || a.id),
    h("table", { class: "agreement-facts" }, h("tbody", {}, facts.map(([key, value]) =>
      h("tr", {}, h("th", { scope: "row" }, key), h("td", {}, value))))),
    section("Parties", h("ul", { class: "parties" }, a.parties.map((p) => h("li", {}, entityLink(p))))),
    section("Signatories", h("ul", { class: "signatories" }, a.signatures.map((s) => h("li", {},
      entityLink(s.signatory), " on behalf of ", list(s.on_behalf_of), ` · ${s.date || "undated"}`,
      quotes(s.evidence))))),
    section("Commitments", a.commitments.length ? h("ul", { class: "commitments" }, a.commitments.map((c) => h("li", {},
      h("strong", {}, `${notation(c.kind)} ${notation(c.area)}`), ` — status: ${notation(c.status) || "unknown"}`,
      c.due_date ? ` · due ${c.due_date}` : "", c.actors.length ? [" · ", list(c.actors)] : "",
      c.description ? h("div", {}, c.description) : "", quotes(c.evidence)))) : null),
    section("Follow-up bodies", a.bodies.length ? h("ul", {}, a.bodies.map((b) => h("li", {},
      entityLink(b.entity), b.meeting_frequency ? ` · meets ${b.meeting_frequency}` : "",
      b.first_meeting ? ` · first meeting ${b.first_meeting}` : ""))) : null),
    section("Events", a.events.length ? h("ul", {}, a.events.map((e) => h("li", {},
      `${notation(e.kind)} · ${period(e.start, e.end)}`, e.place ? [" in ", entityLink(e.place)] : "",
      e.participants?.length ? [" · ", list(e.participants)] : ""))) : null),
    section("Evidence", quotes(a.evidence)),
    section("Articles", h("ul", {}, a.sources.map((s) => h("li", {}, articleLink(s))))));
}
