/* minflask inspector: the request list (polled) and one request's view. */
"use strict";
(function () {
  const body = document.body;
  const API = body.dataset.api;           // .../api/requests
  const HOME = body.dataset.home;         // .../inspector/
  const SOURCE = body.dataset.source;     // .../api/source

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "style") node.style.cssText = value;  // CSSOM: allowed by a strict CSP
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function micros(us) {
    if (us === null || us === undefined) return "";
    if (us >= 1000000) return (us / 1000000).toFixed(2) + " s";
    if (us >= 1000) return (us / 1000).toFixed(2) + " ms";
    return us.toFixed(us < 10 ? 1 : 0) + " µs";
  }

  function statusClass(entry) {
    if (entry.error) return "serr";
    return entry.status ? "s" + String(entry.status)[0] : "";
  }

  async function getJSON(url, options) {
    const response = await fetch(url, Object.assign({ cache: "no-store" }, options));
    if (!response.ok) throw new Error(response.status + " " + (await response.text()).slice(0, 200));
    return response.json();
  }

  // -- the list -------------------------------------------------------------
  function listPage() {
    const tbody = document.querySelector("#requests tbody");
    const empty = document.getElementById("empty");
    const count = document.getElementById("count");
    const pathInput = document.getElementById("filter-path");
    const statusInput = document.getElementById("filter-status");
    let entries = [];
    let seen = new Set();
    let first = true;

    function matches(entry) {
      const path = pathInput.value.trim();
      if (path && !entry.path.includes(path)) return false;
      const status = statusInput.value;
      if (status === "error") return entry.error;
      if (status && String(entry.status || "")[0] !== status) return false;
      return true;
    }

    function render() {
      const shown = entries.filter(matches);
      tbody.replaceChildren(...shown.map((entry) => {
        const href = HOME + "requests/" + entry.id;
        const row = el("tr", {
          "data-id": entry.id,
          class: !first && !seen.has(entry.id) ? "fresh" : null,
          onclick: () => { location.href = href; },
        },
          el("td", { class: "c-id muted" }, entry.id),
          el("td", { class: "c-method" }, el("span", { class: "method" }, entry.method)),
          el("td", { class: "c-path" }, el("a", { class: "path", href }, entry.path),
            entry.replay_of ? el("span", { class: "tag" }, " replay of #" + entry.replay_of) : null),
          el("td", { class: "c-status status " + statusClass(entry) }, entry.error ? "error" : (entry.status || "…")),
          el("td", { class: "c-endpoint" }, entry.endpoint || "—"),
          el("td", { class: "c-bp" }, entry.blueprint || "app"),
          el("td", { class: "c-time num" }, micros(entry.total_us)),
          el("td", { class: "c-steps num" }, entry.steps + " steps"),
        );
        return row;
      }));
      for (const entry of entries) seen.add(entry.id);
      first = false;
      empty.hidden = shown.length > 0;
      count.textContent = "(" + shown.length + (shown.length !== entries.length ? " of " + entries.length : "") + ")";
    }

    async function poll() {
      try {
        const data = await getJSON(API);
        entries = data.requests;
        render();
      } catch (e) { /* the server may be restarting: try again */ }
    }
    pathInput.addEventListener("input", render);
    statusInput.addEventListener("change", render);
    poll();
    setInterval(poll, 1500);
  }

  // -- one request ----------------------------------------------------------
  function kv(pairs, emptyText) {
    if (!pairs || pairs.length === 0) return el("p", { class: "none" }, emptyText || "none");
    return el("dl", { class: "kv" }, pairs.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  function sessionPanel(title, session) {
    const card = el("section", { class: "card panel" }, el("h2", {}, title));
    if (!session) {
      card.append(el("p", { class: "none" }, "not opened in this request"));
      return card;
    }
    const facts = [["type", session.type || "none"]];
    if (session.sid) facts.push(["id", session.sid]);
    if (session.flags && session.flags.length) facts.push(["flags", session.flags.join(", ")]);
    card.append(kv(facts));
    if (session.values) {
      card.append(el("h3", { class: "small muted" }, "values"), kv(Object.entries(session.values), "empty"));
    } else {
      card.append(el("h3", { class: "small muted" }, "keys (server-side: values stay on the server)"),
        kv(session.keys.map((k) => [k, "…"]), "empty"));
    }
    return card;
  }

  function renderWaterfall(container, detail) {
    const total = Math.max(detail.total_us, 1);
    container.replaceChildren(...detail.steps.map((step, index) => {
      const left = (100 * step.start_us) / total;
      const width = step.duration_us === null ? 0 : (100 * step.duration_us) / total;
      const track = el("div", { class: "track" },
        step.duration_us === null
          ? el("span", { class: "tick", style: "left:" + Math.min(left, 99.5) + "%" })
          : el("span", { class: "bar", style: "left:" + Math.min(left, 99.5) + "%;width:" + Math.max(width, 0.3) + "%" }),
        el("span", { class: "dur" }, step.duration_us === null ? "" : micros(step.duration_us)));
      const detailsText = Object.entries(step.details || {})
        .map(([k, v]) => k + ": " + (typeof v === "object" ? JSON.stringify(v) : v)).join(" · ");
      const row = el("div", {
        class: "step k-" + step.kind + (step.viewable ? " viewable" : ""),
        "data-index": index, "data-kind": step.kind,
        "data-source": step.source || null,
        title: detailsText || null,
        style: "padding-left:" + (0.25 + step.depth * 0.9) + "rem",
      },
        el("div", { class: "label" }, el("span", { class: "kind" }), step.title,
          step.source ? el("span", { class: "where" }, step.source) : null),
        track);
      if (step.viewable) {
        const open = () => {
          container.querySelectorAll(".step.selected").forEach((n) => n.classList.remove("selected"));
          row.classList.add("selected");
          showSource(step.source, row);
        };
        row.tabIndex = 0;
        row.setAttribute("role", "button");
        row.setAttribute("aria-label", step.title + ": show the source at " + step.source);
        row.addEventListener("click", open);
        row.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            open();
          }
        });
      }
      return row;
    }));
  }

  // The source opens right under the step clicked, so the two are seen together.
  async function showSource(source, row) {
    const card = document.getElementById("source");
    const code = document.getElementById("source-code");
    const colon = source.lastIndexOf(":");
    const file = source.slice(0, colon);
    const line = source.slice(colon + 1);
    const url = SOURCE + "?file=" + encodeURIComponent(file) + "&line=" + encodeURIComponent(line);
    try {
      const data = await getJSON(url);
      document.getElementById("source-title").textContent = data.file + ":" + data.line;
      code.replaceChildren(...data.lines.map((text, i) => {
        const n = data.first + i;
        return el("span", { class: "ln" + (n === data.line ? " hit" : ""), "data-n": n }, text || " ");
      }));
      row.after(card);
      card.hidden = false;
      row.scrollIntoView({ block: "start" });
      window.scrollBy(0, -Math.min(160, window.innerHeight / 5));  // keep a few steps above in sight
    } catch (e) {
      document.getElementById("source-title").textContent = "Cannot show " + source;
      code.replaceChildren(el("span", { class: "ln" }, String(e.message)));
      row.after(card);
      card.hidden = false;
    }
  }

  function summaryCard(detail, base) {
    const facts = [
      ["endpoint", detail.endpoint || "—"],
      ["blueprint", detail.blueprint || "app"],
      ["total", micros(detail.total_us)],
      ["steps", String(detail.step_count)],
      ["client", detail.remote_addr],
    ];
    if (detail.replay_of) facts.push(["replay of", "#" + detail.replay_of]);
    const actions = el("div", { class: "actions" });
    if (detail.replayable) {
      const button = el("button", { class: "button", type: "button", id: "replay" }, "Replay");
      button.addEventListener("click", () => replay(detail, button));
      actions.append(button);
    } else {
      actions.append(el("button", { class: "button", type: "button", disabled: true,
        title: "only GET and HEAD requests are replayed" }, "Replay (GET/HEAD only)"));
    }
    actions.append(el("a", { class: "button secondary", id: "export", href: base + "/export", download: "" }, "Export JSON"));
    return [
      el("div", { class: "summary-line" },
        el("span", { class: "method" }, detail.method),
        el("h1", { class: "path" }, detail.path),
        el("span", { class: "status " + statusClass(detail) }, detail.error ? "error" : (detail.status || "…"))),
      el("div", { class: "facts" }, facts.map(([k, v]) => el("span", {}, k + " ", el("b", {}, v)))),
      actions,
    ];
  }

  function panels(detail) {
    const req = detail.request;
    const cards = [
      el("section", { class: "card panel", id: "panel-request" }, el("h2", {}, "Request"),
        el("h3", { class: "small muted" }, "headers"), kv(req.headers),
        el("h3", { class: "small muted" }, "query"), kv(req.query),
        el("h3", { class: "small muted" }, "form"), kv(req.form, "none parsed"),
        req.files.length ? [el("h3", { class: "small muted" }, "files"), kv(req.files.map((f) => ["", f]))] : null),
      el("section", { class: "card panel", id: "panel-response" }, el("h2", {}, "Response"),
        kv([["status", detail.response.status || "—"],
            ["body", detail.response.body_size === null ? "streaming" : detail.response.body_size + " bytes"]]),
        el("h3", { class: "small muted" }, "headers"), kv(detail.response.headers)),
      sessionPanel("Session before", detail.session_before),
      sessionPanel("Session after", detail.session_after),
      el("section", { class: "card panel", id: "panel-templates" }, el("h2", {}, "Templates"),
        kv(detail.templates.map((t) => [t.name || "<string>", t.context_keys.join(", ") || "(no context)"]), "none rendered")),
      el("section", { class: "card panel", id: "panel-signals" }, el("h2", {}, "Signals"),
        kv(detail.signals.map((s) => [s.name, s.receivers || ""]), "none sent"),
        el("p", { class: "note" }, "The inspector listens to every signal, and minflask sends a signal only when someone listens: those marked 'sent because the tracer listens' are not sent when the inspector is off.")),
      el("section", { class: "card panel", id: "panel-error" }, el("h2", {}, "Error"),
        detail.error
          ? [el("p", {}, el("b", {}, detail.error.exception)), el("pre", { class: "tb" }, detail.error.traceback)]
          : el("p", { class: "none" }, "no exception")),
    ];
    return cards;
  }

  async function replay(detail, button) {
    button.disabled = true;
    button.textContent = "Replaying…";
    try {
      const result = await getJSON(API + "/" + detail.id + "/replay", {
        method: "POST", headers: { "X-Minflask-Inspector": "replay" },
      });
      const again = await getJSON(API + "/" + result.id);
      const compare = document.getElementById("compare");
      compare.classList.add("two");
      let card = document.getElementById("replayed");
      if (!card) {
        card = el("section", { class: "card waterfall-card", id: "replayed" });
        compare.append(card);
      }
      const fall = el("div", { class: "waterfall", id: "replay-waterfall" });
      card.replaceChildren(
        el("h2", {}, "Replay ", el("a", { href: HOME + "requests/" + again.id }, "#" + again.id)),
        el("p", { class: "muted small" }, "status " + again.status + " · " + micros(again.total_us) +
          " · " + again.step_count + " steps (original: " + detail.status + " · " + micros(detail.total_us) + ")"),
        fall);
      renderWaterfall(fall, again);
      document.querySelector("#original h2").textContent = "Original #" + detail.id;
    } catch (e) {
      alert("Replay failed: " + e.message);
    } finally {
      button.disabled = false;
      button.textContent = "Replay";
    }
  }

  async function requestPage(page) {
    const id = page.dataset.id;
    const base = API + "/" + id;
    let detail;
    try {
      detail = await getJSON(base);
    } catch (e) {
      document.getElementById("summary").replaceChildren(el("p", {}, "This request is not kept any more."));
      return;
    }
    document.getElementById("summary").replaceChildren(...summaryCard(detail, base));
    renderWaterfall(document.getElementById("waterfall"), detail);
    document.getElementById("panels").replaceChildren(...panels(detail));
    document.getElementById("source-close").addEventListener("click", () => {
      document.getElementById("source").hidden = true;
    });
    body.dataset.ready = "1";
  }

  if (document.getElementById("list-page")) listPage();
  const page = document.getElementById("request-page");
  if (page) requestPage(page);
})();
