// Reads a log session's stream (PLATFORM.md §2.7): plain text lines (Cedar) or SSE frames
// `id: n\ndata: <line>\n\n` (Fir, and what the CLI asks for). Chunks may split lines anywhere.

export type LogStreamEnd = "closed" | "aborted";

/** Splits a text stream into lines, buffering partial lines across chunks. */
export function createLineSplitter(onLine: (line: string) => void) {
  let buffer = "";
  return {
    push(chunk: string) {
      buffer += chunk;
      let index = buffer.indexOf("\n");
      while (index !== -1) {
        onLine(buffer.slice(0, index).replace(/\r$/, ""));
        buffer = buffer.slice(index + 1);
        index = buffer.indexOf("\n");
      }
    },
    end() {
      if (buffer.length > 0) onLine(buffer.replace(/\r$/, ""));
      buffer = "";
    },
  };
}

/** Turns SSE lines into event data (data lines of one event joined by "\n"). */
export function createSseParser(onData: (data: string) => void) {
  let data: string[] = [];
  const dispatch = () => {
    if (data.length > 0) onData(data.join("\n"));
    data = [];
  };
  return {
    line(line: string) {
      if (line === "") return dispatch();
      if (line.startsWith(":")) return;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") data.push(value);
    },
    end: dispatch,
  };
}

/**
 * Reads `logplexUrl` (never with the API key: the URL carries its own token) and calls `onLine`
 * for each log line. End of stream is normal: the caller opens a new session.
 */
export async function readLogSession(
  logplexUrl: string,
  options: {
    onLine: (line: string) => void;
    signal?: AbortSignal;
    eventStream?: boolean;
    fetch?: typeof fetch;
  },
): Promise<{ lines: number; end: LogStreamEnd }> {
  let lines = 0;
  const emit = (line: string) => {
    if (line.length === 0) return;
    lines += 1;
    options.onLine(line);
  };
  const response = await (options.fetch ?? fetch)(logplexUrl, {
    headers: { Accept: options.eventStream ? "text/event-stream" : "text/plain" },
    signal: options.signal,
  });
  if (!response.ok || !response.body) {
    throw new Error(`The log session answered ${response.status}; it may have expired.`);
  }
  const isSse = (response.headers.get("content-type") ?? "").includes("text/event-stream");
  const sse = createSseParser(emit);
  const splitter = createLineSplitter(isSse ? sse.line : emit);
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      splitter.push(decoder.decode(value, { stream: true }));
    }
    splitter.push(decoder.decode());
    splitter.end();
    if (isSse) sse.end();
    return { lines, end: "closed" };
  } catch (error) {
    if (options.signal?.aborted) {
      splitter.end();
      return { lines, end: "aborted" };
    }
    throw error;
  } finally {
    reader.releaseLock();
  }
}
