// A minimal chat page on LangGraph's React hook, configured and called as Agent Chat UI
// does (state history, custom events, values streamed with subgraphs, resumable runs,
// optimistic human messages): the thread, its messages (human, ai with tool calls, tool),
// a pending interrupt and its resume.
// The URL names the server: index.html?apiUrl=http://...&assistantId=assistant
import { useStream } from "@langchain/langgraph-sdk/react";
import { useState } from "react";
import { createRoot } from "react-dom/client";

const params = new URLSearchParams(window.location.search);
const apiUrl = params.get("apiUrl");
const assistantId = params.get("assistantId");

const RUN_OPTIONS = { streamMode: ["values"], streamSubgraphs: true, streamResumable: true };

function text(content) {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

function Message({ message }) {
  return (
    <li className={`message ${message.type}`} data-type={message.type}>
      <span className="who">{message.type}</span>
      <span className="content">{text(message.content)}</span>
      {(message.tool_calls ?? []).map((call) => (
        <code className="tool-call" key={call.id}>
          {`${call.name}(${JSON.stringify(call.args)})`}
        </code>
      ))}
    </li>
  );
}

function Chat() {
  const [threadId, setThreadId] = useState(null);
  const [draft, setDraft] = useState("");
  const [custom, setCustom] = useState([]);
  const stream = useStream({
    apiUrl,
    assistantId,
    threadId,
    onThreadId: setThreadId,
    fetchStateHistory: true,
    onCustomEvent: (event) => setCustom((seen) => [...seen, event]),
  });
  const send = (event) => {
    event.preventDefault();
    const human = { id: crypto.randomUUID(), type: "human", content: draft };
    stream.submit(
      { messages: [human] },
      {
        ...RUN_OPTIONS,
        optimisticValues: (prev) => ({ ...prev, messages: [...(prev.messages ?? []), human] }),
      },
    );
    setDraft("");
  };
  const approve = () => stream.submit({}, { ...RUN_OPTIONS, command: { resume: "approved" } });
  return (
    <main data-thread-id={threadId ?? ""} data-loading={String(stream.isLoading)}>
      <header>
        {assistantId} on {apiUrl}
        {threadId ? `, thread ${threadId}` : ""}
      </header>
      <ol id="messages">
        {stream.messages.map((message, index) => (
          <Message key={message.id ?? index} message={message} />
        ))}
      </ol>
      {stream.interrupt ? (
        <section id="interrupt">
          <pre className="value">{JSON.stringify(stream.interrupt.value)}</pre>
          <button id="resume" type="button" onClick={approve} disabled={stream.isLoading}>
            Approve
          </button>
        </section>
      ) : null}
      {stream.error ? <p id="error">{String(stream.error)}</p> : null}
      <pre id="custom">{custom.map((event) => JSON.stringify(event)).join("\n")}</pre>
      <form onSubmit={send}>
        <input id="input" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button id="send" type="submit" disabled={stream.isLoading || !draft}>
          Send
        </button>
      </form>
    </main>
  );
}

createRoot(document.getElementById("root")).render(<Chat />);
