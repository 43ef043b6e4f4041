// A real graphql-transport-ws client (the `graphql-ws` library, what Apollo Client uses)
// subscribed to plangraph. Prints {"ready":true} once the server acknowledged the connection
// and the subscription is sent, then one JSON line per event (with the time it arrived, ms
// since the epoch), and exits after `count` events or `timeout` ms.
//   node subscribe.mjs ws://127.0.0.1:PORT/graphql 'subscription { … }' [count] [timeout] [copies]
// With `copies`, the same subscription is made that many times over the one connection.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, query, count = "1", timeout = "10000", copies = "1"] = process.argv.slice(2);
let seen = 0;
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  on: { connected: () => console.log(JSON.stringify({ ready: true })) },
});
const timer = setTimeout(() => {
  console.log(JSON.stringify({ timeout: true }));
  process.exit(2);
}, Number(timeout));
for (let copy = 0; copy < Number(copies); copy += 1) {
  client.subscribe(
    { query },
    {
      next: (result) => {
        console.log(JSON.stringify({ at: Date.now(), copy, result }));
        seen += 1;
        if (seen >= Number(count)) {
          clearTimeout(timer);
          client.dispose();
          process.exit(0);
        }
      },
      error: (error) => {
        console.log(JSON.stringify({ copy, error: Array.isArray(error) ? error : String(error?.message ?? error) }));
        clearTimeout(timer);
        process.exit(1);
      },
      complete: () => {
        console.log(JSON.stringify({ copy, complete: true }));
      },
    },
  );
}
