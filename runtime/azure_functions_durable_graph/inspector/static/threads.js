// The inspector's threads: LangGraph Agent Server threads read through that API
// (/langgraph/threads/search, /threads/{id}/state, /threads/{id}/runs), so the page shows
// what LangGraph's clients see. A thread reads as a conversation: its `messages` (human,
// ai with tool calls, tool results), its pending interrupts, and next to it its runs.
// Loaded before app.js, which routes #/threads... here; uses app.js's api(), el(), $().
"use strict";

const THREADS_REFRESH_MS = 2000;

async function showThreads() {
  $("#threads-view").hidden = false;
  await refreshThreads();
}

async function refreshThreads() {
  if (location.hash !== "#/threads") return;
  try {
    const threads = await api("langgraph/threads/search", {
      method: "POST",
      body: JSON.stringify({ limit: 200, sort_by: "updated_at", sort_order: "desc" }),
    });
    $("#threads tbody").replaceChildren(...threads.map(threadRow));
    $("#threads-empty").hidden = threads.length > 0;
    say("");
  } catch (error) {
    say(`Cannot list threads: ${error.message}`);
  }
  $("#refresh").textContent = `updated ${new Date().toLocaleTimeString()}`;
  schedule(refreshThreads, THREADS_REFRESH_MS);
}

function messagesOf(values) {
  return values && Array.isArray(values.messages) ? values.messages : [];
}

function threadRow(thread) {
  const row = el("tr", undefined, { "data-thread": thread.thread_id });
  const id = el("td");
  id.append(el("a", thread.thread_id, { href: `#/threads/${encodeURIComponent(thread.thread_id)}` }));
  const messages = messagesOf(thread.values);
  const last = messages.length ? textOf(messages[messages.length - 1].content) : "";
  row.append(
    id,
    el("td", (thread.metadata && thread.metadata.graph_id) || ""),
    statusCell(thread.status),
    el("td", messages.length),
    el("td", last.length > 80 ? `${last.slice(0, 79)}…` : last),
    el("td", thread.updated_at || ""),
  );
  return row;
}

function statusCell(status) {
  const cell = el("td");
  cell.append(el("span", status || "", { class: `status ${status}` }));
  return cell;
}

// -- one thread ----------------------------------------------------------------------

async function showThread(id) {
  $("#thread-view").hidden = false;
  await refreshThread(id);
}

async function refreshThread(id) {
  const path = `langgraph/threads/${encodeURIComponent(id)}`;
  if (location.hash !== `#/threads/${encodeURIComponent(id)}`) return;
  let thread, state, runs;
  try {
    [thread, state, runs] = await Promise.all([
      api(path),
      api(`${path}/state`),
      api(`${path}/runs?limit=100`),
    ]);
  } catch (error) {
    say(`Cannot read thread ${id}: ${error.message}`);
    return;
  }
  $("#thread-id").textContent = id;
  const status = $("#thread-status");
  status.textContent = thread.status;
  status.className = `status ${thread.status}`;
  renderConversation(state);
  renderInterrupts(state);
  renderThreadRuns(runs);
  const others = { ...(state.values || {}) };
  delete others.messages;
  $("#thread-state").textContent = JSON.stringify(others, null, 2);
  $("#thread-next").textContent = (state.next || []).join(", ") || "nothing (the thread is idle)";
  if (thread.status === "busy") schedule(() => refreshThread(id), THREADS_REFRESH_MS);
}

// A message's content: a string, or content blocks whose text parts are joined.
function textOf(content) {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content == null ? "" : JSON.stringify(content);
  return content
    .map((block) => (typeof block === "string" ? block : block.text || `[${block.type}]`))
    .join("");
}

const ROLES = { human: "user", ai: "assistant", tool: "tool", system: "system" };

function renderConversation(state) {
  const messages = messagesOf(state.values);
  $("#conversation").replaceChildren(...messages.map(messageItem));
  $("#conversation-empty").hidden = messages.length > 0;
}

function messageItem(message) {
  const type = message.type || message.role || "message";
  const item = el("li", undefined, { class: `message ${type}`, "data-type": type });
  const who = type === "tool" ? `tool ${message.name || ""}`.trim() : ROLES[type] || type;
  item.append(el("div", who, { class: "who" }));
  const text = textOf(message.content);
  if (text) item.append(el("div", text, { class: "text" }));
  for (const call of message.tool_calls || []) {
    const args = JSON.stringify(call.args || {});
    item.append(el("div", `calls ${call.name}(${args})`, { class: "tool-call" }));
  }
  if (type === "tool" && message.tool_call_id) {
    item.append(el("div", `answers ${message.tool_call_id}`, { class: "muted" }));
  }
  return item;
}

function renderInterrupts(state) {
  const interrupts = [];
  for (const task of state.tasks || []) {
    for (const pending of task.interrupts || []) interrupts.push([task.name, pending]);
  }
  const box = $("#thread-interrupts");
  box.replaceChildren(
    ...interrupts.map(([node, pending]) => {
      const item = el("li", `${node} asks: `);
      item.append(el("code", JSON.stringify(pending.value)));
      return item;
    }),
  );
  box.hidden = interrupts.length === 0;
  $("#thread-interrupts-title").hidden = interrupts.length === 0;
}

function renderThreadRuns(runs) {
  const rows = runs.map((run) => {
    const row = el("tr", undefined, { "data-run": run.run_id });
    const id = el("td");
    id.append(el("code", run.run_id));
    row.append(
      id,
      statusCell(run.status),
      el("td", run.created_at || ""),
    );
    return row;
  });
  $("#thread-runs tbody").replaceChildren(...rows);
}
