// LangGraph's JS client (@langchain/langgraph-sdk) driving an Agent Server API.
//
// Usage: node client_script.mjs <apiUrl>
// Prints one JSON object: what each call answered, raw (ids and timestamps included);
// tests/agent_server/test_js_client.py normalises it and runs it against the local host
// and against `langgraph dev`.

import { Client } from "@langchain/langgraph-sdk";

const apiUrl = process.argv[2];
if (!apiUrl) {
  console.error("usage: node client_script.mjs <apiUrl>");
  process.exit(2);
}
// apiKey null: no key from the environment (LANGGRAPH_API_KEY and friends).
const client = new Client({ apiUrl, apiKey: null });
const out = {};

const say = (text) => ({ messages: [{ role: "user", content: text }] });

async function collect(parts) {
  const events = [];
  for await (const part of parts) events.push([part.event, part.data]);
  return events;
}

// What the SDK throws for an HTTP error: its class name, the status, the body's detail type.
async function failure(call) {
  try {
    return { answered: await call() };
  } catch (error) {
    let detail = null;
    try {
      detail = JSON.parse(error.text).detail;
    } catch {
      detail = error.text ?? null;
    }
    return {
      error: error.constructor.name,
      status: error.status,
      detail_is_text: typeof detail === "string",
    };
  }
}

async function until(condition, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Assistants: one per graph, graph id = name.
const assistants = await client.assistants.search({ limit: 100 });
out.assistants = assistants.map((a) => [a.graph_id, a.name, a.version]).sort();
const assistantOf = (graphId) => assistants.find((a) => a.graph_id === graphId).assistant_id;
out.assistant = await client.assistants.get(assistantOf("chatbot"));
const drawn = await client.assistants.getGraph(assistantOf("reviewer"));
out.graph_nodes = drawn.nodes;
out.graph_edges = drawn.edges.map((e) => [e.source, e.target]).sort();
const schemas = await client.assistants.getSchemas(assistantOf("chatbot"));
out.schema_keys = Object.keys(schemas).sort();
out.state_schema_properties = Object.keys(schemas.state_schema?.properties ?? {}).sort();

// Threads and a multi-turn conversation: the second run sees the first.
const chat = await client.threads.create({ metadata: { user: "ada" } });
const chatId = chat.thread_id;
out.created = chat;
out.turn_1 = await client.runs.wait(chatId, "chatbot", { input: say("hi") });
out.turn_2 = await client.runs.wait(chatId, "chatbot", { input: say("again") });
out.got = await client.threads.get(chatId);
out.updated = await client.threads.update(chatId, { metadata: { topic: "greetings" } });
out.searched = (await client.threads.search({ metadata: { user: "ada" }, limit: 100 })).map(
  (t) => t.metadata,
);
out.state = await client.threads.getState(chatId);
out.history = await client.threads.getHistory(chatId, { limit: 100 });
await client.threads.updateState(chatId, {
  values: { messages: [{ type: "ai", content: "aside" }] },
  asNode: "chat",
});
out.updated_state = await client.threads.getState(chatId);
const copy = await client.threads.copy(chatId);
out.copy_values = (await client.threads.getState(copy.thread_id)).values;
await client.threads.delete(copy.thread_id);
out.deleted_copy = await failure(() => client.threads.get(copy.thread_id));

// An interrupt, then its resume with a command.
const review = (await client.threads.create()).thread_id;
out.review_wait = await client.runs.wait(review, "reviewer", { input: { topic: "owls" } });
out.review_state = await client.threads.getState(review);
out.review_thread_status = (await client.threads.get(review)).status;
out.review_resume = await client.runs.wait(review, "reviewer", { command: { resume: "yes" } });
out.review_after = await client.threads.getState(review);

// Streaming: several modes at once, events collected.
const streamed = (await client.threads.create()).thread_id;
out.stream = await collect(
  client.runs.stream(streamed, "chatbot", {
    input: say("streamed"),
    streamMode: ["values", "updates"],
  }),
);

// A background run, joined.
const background = await client.runs.create(streamed, "chatbot", { input: say("later") });
out.joined = await client.runs.join(streamed, background.run_id);
// kwargs.config holds each server's own bookkeeping: only what the caller sent is compared.
const got = await client.runs.get(streamed, background.run_id);
out.background_run = {
  status: got.status,
  multitask_strategy: got.multitask_strategy,
  metadata: got.metadata,
  input: got.kwargs.input,
  stream_mode: got.kwargs.stream_mode,
};
out.runs = (await client.runs.list(streamed)).map((r) => r.status);

// A busy thread refuses a second run with multitaskStrategy "reject".
const busy = (await client.threads.create()).thread_id;
const first = await client.runs.create(busy, "slow", { input: { seconds: 2 } });
await until(async () => (await client.threads.get(busy)).status === "busy");
out.rejected = await failure(() =>
  client.runs.create(busy, "slow", { input: { seconds: 0 }, multitaskStrategy: "reject" }),
);
out.first_joined = await client.runs.join(busy, first.run_id);

// The store (long-term memory).
await client.store.putItem(["js", "ada"], "prefs", { theme: "dark" });
await client.store.putItem(["js", "bob"], "prefs", { theme: "light" });
out.store_get = await client.store.getItem(["js", "ada"], "prefs");
out.store_search = await client.store.searchItems(["js"], { filter: { theme: "dark" } });
out.store_namespaces = await client.store.listNamespaces({ prefix: ["js"] });
await client.store.deleteItem(["js", "ada"], "prefs");
out.store_after_delete = await client.store.getItem(["js", "ada"], "prefs");
out.store_left = await client.store.searchItems(["js"]);

console.log(JSON.stringify(out));
