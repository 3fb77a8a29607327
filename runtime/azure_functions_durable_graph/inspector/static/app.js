// The run inspector: a static page over the app's graph HTTP API (no build step, no CDN).
// A run's fields (active, interrupts, waiting_for, ...) come from its custom status, whose
// one definition is CustomStatus in durable/protocol.py (mapped by api/status.py).
"use strict";

const API = document.querySelector('meta[name="api-base"]').content;
const FINISHED = new Set(["Completed", "Failed", "Terminated", "Canceled"]);
const $ = (selector) => document.querySelector(selector);
const graphs = new Map(); // name -> GET /graphs/{name} body
let timer = null;
let renderCount = 0;

mermaid.initialize({ startOnLoad: false, securityLevel: "strict", flowchart: { htmlLabels: false } });

// Under `serve --keys` the API wants the function key. The page never embeds it (any local
// user could read it there): it asks once, keeps it for this tab, and sends it as a header.
const KEY_ITEM = "durable-graph-function-key";
let functionKey = sessionStorage.getItem(KEY_ITEM);
let askingForKey = null; // one prompt for the calls that got a 401 together

async function askForKey() {
  if (!askingForKey) {
    askingForKey = Promise.resolve().then(() =>
      window.prompt("This server was started with --keys: paste the function key it printed"),
    );
  }
  const key = await askingForKey;
  if (key) {
    functionKey = key;
    sessionStorage.setItem(KEY_ITEM, key);
  }
  return key;
}

async function api(path, options = {}, retried = false) {
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  if (functionKey) headers["x-functions-key"] = functionKey;
  const response = await fetch(`${API}/${path}`, { ...options, headers });
  const text = await response.text();
  const body = parseJson(text);
  const code = body && body.error ? body.error.code : null;
  if (response.status === 401 && code === "key_required" && !retried) {
    if (await askForKey()) return api(path, options, true);
  } else if (response.status === 401 && retried) {
    askingForKey = null; // a wrong key: ask again next time
  }
  if (!response.ok) {
    const error = new Error(body && body.error ? body.error.message : `HTTP ${response.status}`);
    error.status = response.status;
    error.code = body && body.error ? body.error.code : null;
    throw error;
  }
  return body;
}

// A body that is not JSON (a proxy's page, a host shutting down) is no body: the
// status code then says what went wrong.
function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function say(text, ok = false) {
  const box = $("#message");
  box.textContent = text;
  box.className = ok ? "ok" : "";
  box.hidden = !text;
}

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function schedule(fn, ms) {
  clearTimeout(timer);
  timer = setTimeout(fn, ms);
}

async function graph(name) {
  if (!graphs.has(name)) graphs.set(name, await api(`graphs/${encodeURIComponent(name)}`));
  return graphs.get(name);
}

// -- the list ------------------------------------------------------------------------

async function showList() {
  $("#list-view").hidden = false;
  $("#run-view").hidden = true;
  const select = $("#filters [name=graph]");
  if (select.options.length === 1) {
    const body = await api("graphs");
    for (const g of body.graphs) select.append(el("option", g.graph_name));
  }
  await refreshList();
}

function filterQuery() {
  const form = new FormData($("#filters"));
  const query = new URLSearchParams();
  for (const key of ["graph", "status"]) if (form.get(key)) query.set(key, form.get(key));
  for (const key of ["created_from", "created_to"]) {
    if (form.get(key)) query.set(key, new Date(form.get(key)).toISOString());
  }
  return query;
}

async function refreshList() {
  if (location.hash && location.hash !== "#/") return;
  try {
    const runs = [];
    let token = null;
    for (let page = 0; page < 20; page++) {
      const query = filterQuery();
      query.set("page_size", "200");
      if (token) query.set("continuation_token", token);
      const body = await api(`runs?${query}`);
      runs.push(...body.runs);
      token = body.continuation_token;
      if (!token) break;
    }
    runs.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    const tbody = $("#runs tbody");
    tbody.replaceChildren(...runs.map(runRow));
    $("#runs-empty").hidden = runs.length > 0;
    say("");
  } catch (error) {
    say(`Cannot list runs: ${error.message}`);
  }
  $("#refresh").textContent = `updated ${new Date().toLocaleTimeString()}`;
  schedule(refreshList, 2000);
}

function runRow(run) {
  const row = el("tr", undefined, { "data-run": run.instance_id });
  const link = el("a", run.instance_id, { href: `#/runs/${encodeURIComponent(run.instance_id)}` });
  const id = el("td");
  id.append(link);
  const waiting = run.waiting_for && run.waiting_for.event_name;
  const node = (run.active && run.active.join(", ")) || run.current_node || "";
  row.append(
    id,
    el("td", run.graph_name || ""),
    el("td", run.status || "", { class: `status ${run.status}` }),
    el("td", waiting ? `${node} (waits for ${waiting})` : node),
    el("td", run.created_at || ""),
    el("td", run.updated_at || ""),
  );
  return row;
}

// -- one run -------------------------------------------------------------------------

const seen = new Map(); // run id -> nodes observed while polling, in order
let lastDiagram = "";
let currentRun = null;

async function showRun(id) {
  $("#list-view").hidden = true;
  $("#run-view").hidden = false;
  if (!currentRun || currentRun.instance_id !== id) lastDiagram = "";
  await refreshRun(id);
}

async function refreshRun(id) {
  if (location.hash !== `#/runs/${encodeURIComponent(id)}`) return;
  let run;
  try {
    run = await api(`runs/${encodeURIComponent(id)}`);
  } catch (error) {
    say(`Cannot load run ${id}: ${error.message}`);
    schedule(() => refreshRun(id), 3000);
    return;
  }
  currentRun = run;
  const current = FINISHED.has(run.status) ? [] : run.active || (run.current_node ? [run.current_node] : []);
  const observed = seen.get(id) || [];
  for (const node of current) if (observed[observed.length - 1] !== node) observed.push(node);
  seen.set(id, observed);
  const steps = await loadSteps(id);
  const path = run.path || (steps ? steps.flatMap((s) => s.nodes || [s.node]) : observed);
  renderFacts(run);
  renderPending(run);
  renderTimeline(run, steps, path);
  renderForks(steps);
  const state = run.state ?? run.output;
  $("#state").textContent = state === undefined || state === null
    ? "(this API shows the state once the run completes)"
    : JSON.stringify(state, null, 2);
  if (run.graph_name) {
    const detail = await graph(run.graph_name);
    renderForms(run, detail);
    await renderDiagram(detail.diagram.mermaid, current, path);
  }
  $("#refresh").textContent = `updated ${new Date().toLocaleTimeString()}`;
  if (!FINISHED.has(run.status)) schedule(() => refreshRun(id), 700);
}

let stepsSupported = true;
async function loadSteps(id) {
  if (!stepsSupported) return null;
  try {
    const body = await api(`runs/${encodeURIComponent(id)}/steps`);
    return body.steps || null;
  } catch (error) {
    if (error.status === 404 && error.code === "not_found") stepsSupported = false;
    return null;
  }
}

function renderFacts(run) {
  $("#run-id").textContent = run.instance_id;
  const status = $("#run-status");
  status.textContent = run.status;
  status.className = `status ${run.status}`;
  const facts = [
    ["graph", `${run.graph_name} (version ${run.graph_version})`],
    ["step", run.superstep ?? run.step],
    ["current node", (run.active && run.active.join(", ")) || run.current_node],
    ["created", run.created_at],
    ["updated", run.updated_at],
  ];
  if (run.error) facts.push(["error", run.error]);
  $("#run-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", k), el("dd", v ?? "")]));
}

function renderPending(run) {
  const items = [];
  if (run.waiting_for && run.waiting_for.event_name && !FINISHED.has(run.status)) {
    items.push(`event ${run.waiting_for.event_name} (then ${run.waiting_for.resume_node || "the route"})`);
  }
  for (const i of run.interrupts || []) {
    // A breakpoint (interrupt_before/after) asks nothing: the run waits to be continued.
    items.push(i.pause
      ? `paused ${i.pause} ${(i.nodes || [i.node]).join(", ")} (breakpoint ${i.id}): resume to continue`
      : `interrupt ${i.id} in ${i.node}: ${JSON.stringify(i.value)}`);
  }
  for (const e of run.pending_events || []) items.push(`queued event ${e.name} × ${e.count}`);
  const box = $("#pending");
  box.replaceChildren(...(items.length ? items.map((t) => el("div", t, { class: "pending-item" })) : [el("span", "nothing", { class: "muted" })]));
}

function renderTimeline(run, steps, path) {
  const list = $("#timeline");
  if (steps) {
    list.replaceChildren(...steps.map((s) => el("li", describeStep(s), { "data-step": s.superstep })));
  } else {
    list.replaceChildren(...path.map((node) => el("li", node)));
  }
}

function describeStep(step) {
  const tasks = (step.tasks || []).map((t) => {
    const what = t.error ? `failed: ${t.error.error_type}` : JSON.stringify(t.update || {});
    const tries = t.attempts > 1 ? ` (${t.attempts} attempts)` : "";
    return `${t.node}${tries} → ${what}`;
  });
  const event = step.event ? ` | event ${step.event.name}${step.event.timed_out ? " timed out" : ""}` : "";
  return `#${step.superstep} ${tasks.join("; ")}${event}`;
}

function renderForks(steps) {
  const forkable = (steps || []).filter((s) => (s.next || []).length > 0);
  $("#fork-form").hidden = forkable.length === 0;
  const select = $("#fork-form [name=step]");
  const wanted = forkable.map((s) => String(s.superstep)).join(",");
  if (select.dataset.steps !== wanted) {
    select.replaceChildren(...forkable.map((s) => el("option", `${s.superstep}: ${(s.nodes || []).join(", ")}`, { value: s.superstep })));
    select.dataset.steps = wanted;
  }
}

function renderForms(run, detail) {
  const open = !FINISHED.has(run.status);
  const select = $("#event-form [name=event]");
  const names = detail.event_handlers || [];
  if (select.dataset.graph !== detail.graph_name) {
    select.replaceChildren(...names.map((n) => el("option", n)));
    select.dataset.graph = detail.graph_name;
  }
  const waitingFor = run.waiting_for && run.waiting_for.event_name;
  if (waitingFor && select.dataset.preselected !== `${run.instance_id}:${waitingFor}`) {
    select.value = waitingFor;
    select.dataset.preselected = `${run.instance_id}:${waitingFor}`;
  }
  for (const form of ["#event-form", "#cancel-form", "#resume-form"]) {
    for (const button of document.querySelectorAll(`${form} button`)) button.disabled = !open;
  }
  $("#event-form").hidden = names.length === 0;
  const interrupts = run.interrupts || [];
  $("#resume-form").hidden = interrupts.length === 0;
  $("#resume-form [name=interrupt]").replaceChildren(...interrupts.map((i) => el("option", `${i.pause ? `${i.pause} ` : ""}${i.node}: ${i.id}`, { value: i.id })));
}

function nodeIds(text) {
  const ids = new Map();
  // A node line is `nX` + shape brackets around a quoted label (any shape).
  for (const match of text.matchAll(/^\s*(n\d+)[^\w\s"]*"(.*)"[^\w\s"]*\s*$/gm)) {
    ids.set(match[2].replaceAll("#quot;", '"').replaceAll("#35;", "#"), match[1]);
  }
  return ids;
}

async function renderDiagram(text, current, path) {
  const ids = nodeIds(text);
  const pick = (names) => [...new Set(names.map((n) => ids.get(n)).filter(Boolean))];
  const currentIds = pick(current);
  const visitedIds = pick(path).filter((id) => !currentIds.includes(id));
  const lines = [text,
    "    classDef current fill:#ffd33d,stroke:#bf8700,stroke-width:3px",
    "    classDef visited fill:#aceebb,stroke:#1a7f37"];
  if (visitedIds.length) lines.push(`    class ${visitedIds.join(",")} visited`);
  if (currentIds.length) lines.push(`    class ${currentIds.join(",")} current`);
  const source = lines.join("\n");
  if (source === lastDiagram) return;
  lastDiagram = source;
  const { svg } = await mermaid.render(`diagram-svg-${++renderCount}`, source);
  const box = $("#diagram");
  box.innerHTML = svg;
  box.dataset.current = current.join(",");
  box.dataset.visited = path.join(",");
}

// -- forms ---------------------------------------------------------------------------

function parsed(text, what) {
  try {
    return text.trim() ? JSON.parse(text) : null;
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error.message}`);
  }
}

function onSubmit(selector, action) {
  $(selector).addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      say(await action(form, currentRun), true);
      lastDiagram = "";
      await refreshRun(currentRun.instance_id);
    } catch (error) {
      say(error.message);
    }
  });
}

onSubmit("#event-form", async (form, run) => {
  const name = form.get("event");
  const payload = parsed(form.get("payload"), "the payload");
  await api(`runs/${encodeURIComponent(run.instance_id)}/events/${encodeURIComponent(name)}`, {
    method: "POST", body: JSON.stringify(payload),
  });
  return `Sent ${name}.`;
});

onSubmit("#resume-form", async (form, run) => {
  const chosen = (run.interrupts || []).find((i) => i.id === form.get("interrupt"));
  const empty = !String(form.get("value")).trim();
  if (chosen && chosen.pause && empty) {  // a breakpoint: continue with no answer
    await api(`runs/${encodeURIComponent(run.instance_id)}/resume`, {
      method: "POST", body: JSON.stringify({ resume: { [chosen.id]: null } }),
    });
    return "Continued past the breakpoint.";
  }
  // No pre-filled answer: a guessed value would be taken as the answer and could fail the run.
  if (empty) throw new Error("Type the answer (JSON) first.");
  const value = parsed(form.get("value"), "the answer");
  await api(`runs/${encodeURIComponent(run.instance_id)}/resume`, {
    method: "POST", body: JSON.stringify({ resume: { [form.get("interrupt")]: value } }),
  });
  return "Answered: the node runs again with this answer.";
});

onSubmit("#cancel-form", async (form, run) => {
  await api(`runs/${encodeURIComponent(run.instance_id)}/cancel`, {
    method: "POST", body: JSON.stringify({ reason: form.get("reason") }),
  });
  return "Cancelled.";
});

onSubmit("#fork-form", async (form, run) => {
  const patch = parsed(form.get("patch"), "the state patch");
  const body = { from_run: run.instance_id, from_step: Number(form.get("step")) };
  if (patch && Object.keys(patch).length) body.state_patch = patch;
  const started = await api(`graphs/${encodeURIComponent(run.graph_name)}/runs`, {
    method: "POST", body: JSON.stringify(body),
  });
  location.hash = `#/runs/${encodeURIComponent(started.instance_id)}`;
  return `Forked as ${started.instance_id}.`;
});

$("#filters").addEventListener("change", () => refreshList());

function route() {
  clearTimeout(timer);
  say("");
  for (const section of document.querySelectorAll("main > section")) section.hidden = true;
  const match = location.hash.match(/^#\/runs\/(.+)$/);
  const thread = location.hash.match(/^#\/threads\/(.+)$/);
  if (match) showRun(decodeURIComponent(match[1]));
  else if (thread) showThread(decodeURIComponent(thread[1])); // threads.js
  else if (location.hash === "#/threads") showThreads();
  else showList();
}

window.addEventListener("hashchange", route);
route();
