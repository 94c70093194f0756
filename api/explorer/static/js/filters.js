// The filter form of graph views: relation kinds, a date window, and the view's own fields
// (depth, k, ends). Submitting changes the address, so the filtered view can be shared.
import { h, viewHref } from "./dom.js";

export const RELATIONS = ["agreement", "signature", "commitment", "influence", "tenure", "event",
                          "relation", "part-of", "country", "nationality", "role", "ended"];

export const TYPES = ["Country", "Organization", "Person", "Official", "Region"];

let counter = 0;

/** A labelled field: `control` is an input/select element. */
export function field(label, control) {
  control.id ||= `field-${++counter}`;
  return h("label", { for: control.id }, label, control);
}

/** A <select> of `values` with `current` selected. */
export function select(name, values, current) {
  return h("select", { name }, values.map((value) =>
    h("option", { value, selected: String(value) === String(current) }, value)));
}

/** The filter form of `view`; `fields` come first; the relations and dates follow. */
export function filterForm(view, params, fields = []) {
  const boxes = (legend, name, values) => {
    const chosen = new Set((params[name] || "").split(",").filter(Boolean));
    return h("fieldset", { class: "relations" }, h("legend", {}, legend),
      values.map((value) => h("label", {},
        h("input", { type: "checkbox", name, value, checked: chosen.has(value) }), value)));
  };
  const relations = boxes("Relations", "relation", RELATIONS);
  const types = boxes("Actors reached", "type", TYPES);
  const dates = [
    field("Since", h("input", { type: "text", name: "since", value: params.since || "",
                                placeholder: "YYYY[-MM[-DD]]", size: 10 })),
    field("Until", h("input", { type: "text", name: "until", value: params.until || "",
                                placeholder: "YYYY[-MM[-DD]]", size: 10 })),
  ];
  const form = h("form", { class: "filters", "aria-label": "Filters" },
    fields, relations, types, dates, h("button", { type: "submit" }, "Apply"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = { ...params };
    delete next.offset;  // a new selection starts on its first page
    for (const key of new Set(data.keys())) {
      next[key] = data.getAll(key).filter(Boolean).join(",");
    }
    for (const name of ["relation", "type"]) if (!data.has(name)) delete next[name];
    location.hash = viewHref(view, next);
  });
  return form;
}

/** The API filter parameters of a view's parameters. */
export function apiFilters(params) {
  return { relation: params.relation, type: params.type, since: params.since, until: params.until };
}
