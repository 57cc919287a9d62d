// Drives Sluice's trigger.dev-compatible surface with the official SDK, as TriggerSdkTest runs it:
//   TRIGGER_API_URL=http://127.0.0.1:<port> TRIGGER_SECRET_KEY=<key> node batch.mjs [count] [largeEvery]
// tasks.batchTrigger("my-task", items) with `count` items (default 500). Every `largeEvery`-th item (default 10)
// carries a string payload over 128 KiB, which the SDK offloads: PUT /api/v2/packets/<path>, PUT of the bytes to
// the presigned URL, then the item with payloadType "application/store". The others are small objects.
// Prints one JSON line: the SDK's handle, per large item what was sent (bytes and SHA-256), and the HTTP calls made.
import { createHash } from "node:crypto";

// Every HTTP call the SDK makes, as "METHOD /path" (the SDK calls the global fetch at call time).
const calls = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  calls.push(`${init?.method ?? input?.method ?? "GET"} ${url.pathname}`);
  return realFetch(input, init);
};
const { tasks } = await import("@trigger.dev/sdk");

const count = Number(process.argv[2] ?? 500);
const largeEvery = Number(process.argv[3] ?? 10);

// Must match TriggerSdkTest.largePayload: UTF-8 with a multi-byte character, ~144 KiB and up.
function largePayload(i) {
  return `item ${i} \u2713 ` + "abcdefghijklmnopqrstuvwxyz0123456789".repeat(4000 + i);
}

const items = [];
const large = [];
for (let i = 0; i < count; i++) {
  if (i % largeEvery === 0) {
    const text = largePayload(i);
    const bytes = Buffer.from(text, "utf8");
    large.push({ index: i, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
    items.push({ payload: text });
  } else {
    items.push({ payload: { index: i, name: `item-${i}` } });
  }
}

try {
  const handle = await tasks.batchTrigger("my-task", items);
  console.log(JSON.stringify({ handle, count, large, calls }));
} catch (e) {
  console.error("batchTrigger failed:", e);
  if (e?.cause) console.error("cause:", e.cause);
  process.exit(1);
}
