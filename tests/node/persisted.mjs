// Apollo Client with its persisted-query link, as a front end would set it up, against
// plangraph. Two clients (each with an empty cache) ask the same query: the first link sends the
// hash alone, hears PersistedQueryNotFound and sends the text with the hash; the second sends
// the hash alone and is answered. Prints one JSON line: both answers and every request the
// links made (method, whether it carried the text).
//   node persisted.mjs http://127.0.0.1:PORT/graphql [get]
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { createHash } from "node:crypto";

const [uri, mode = "post"] = process.argv.slice(2);
const sent = [];
const counting = (input, init) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  const body = init?.body ? JSON.parse(init.body) : null;
  const text = body ? body.query : url.searchParams.get("query");
  sent.push({ method: init?.method ?? "GET", withText: Boolean(text) });
  return fetch(input, init);
};
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const client = () =>
  new ApolloClient({
    cache: new InMemoryCache(),
    link: new PersistedQueryLink({ sha256, useGETForHashedQueries: mode === "get" }).concat(
      new HttpLink({ uri, fetch: counting }),
    ),
  });
const query = gql`
  query Health {
    plan(code: "health") {
      title
      period {
        start
        end
      }
    }
  }
`;
const answers = [];
for (const c of [client(), client()]) {
  try {
    const { data } = await c.query({ query, fetchPolicy: "network-only" });
    answers.push(data);
  } catch (error) {
    answers.push({ error: String(error?.message ?? error) });
  }
}
console.log(JSON.stringify({ answers, sent }));
