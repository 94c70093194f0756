// Building the page from data without innerHTML (API text is never parsed as HTML).

/** An element: h("a", {href: "#"}, "text", child…); attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? "" : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** The hash link of a view with its state (see main.js). */
export function viewHref(view, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return `#/${view}${text ? `?${text}` : ""}`;
}

/** A link to an entity's page (its name, its id when it has none). */
export function entityLink(entity) {
  if (!entity) return "";
  return h("a", { href: viewHref("entity", { id: entity.id }), dataset: { id: entity.id } },
    entity.name || entity.label || entity.id);
}

/** An article IRI shortened to its slug, linked to the article's API record. */
export function articleLink(iri) {
  const slug = iri.split("/").pop();
  return h("a", { href: `/articles/${encodeURIComponent(slug)}`, title: iri }, slug);
}

/** A quote with its claimant and article. */
export function evidenceItem(evidence) {
  return h("li", { class: "evidence" },
    evidence.quote ? h("blockquote", {}, `“${evidence.quote}”`) : h("em", {}, "no quote"),
    h("span", { class: "claimant" },
      evidence.claimant ? `— ${evidence.claimant}, ` : "— ",
      evidence.article ? articleLink(evidence.article) : "unknown article"));
}

/** A section with a heading, or nothing when it has no content. */
export function section(title, ...content) {
  const items = content.flat().filter(Boolean);
  if (!items.length) return null;
  return h("section", {}, h("h2", {}, title), ...items);
}

/** Dates of a fact as text ("2025-01-22", "2019 – 2023", "undated"). */
export function period(start, end) {
  if (!start && !end) return "undated";
  return end ? `${start || "?"} – ${end}` : start;
}

/** A list of `items` rendered by `render`: the first `first` at once, the rest on demand (a
 * hub has hundreds of influences and articles; building them all delays the page). */
export function cappedList(items, render, { first = 20, tag = "ul", attrs = {} } = {}) {
  const list = h(tag, attrs, items.slice(0, first).map(render));
  if (items.length <= first) return list;
  const more = h("button", { type: "button", class: "more" }, `Show all ${items.length}`);
  more.addEventListener("click", () => {
    list.append(...items.slice(first).map(render));
    more.remove();
  });
  return h("div", {}, list, more);
}
