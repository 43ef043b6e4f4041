"""A third-party client, as a portal developer would write one: the standard `gql` library
introspects the running server, checks the dashboard query against the schema it fetched, and
runs it. Exits non-zero if anything does not hold.

    python dashboard.py http://127.0.0.1:8080/graphql
"""
import sys

from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport

DASHBOARD = gql(
    """
    query Dashboard($code: String!, $first: Int!) {
      plan(code: $code) {
        title
        indicators(first: $first) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            id name unit nature
            target { value raw comparator }
            latestValue { year value }
            progress
            status
          }
        }
      }
    }
    """
)


def main(url: str) -> None:
    transport = RequestsHTTPTransport(url=url, timeout=10)
    # fetch_schema_from_transport: the client introspects the server and validates every
    # query against that schema before sending it.
    client = Client(transport=transport, fetch_schema_from_transport=True)
    with client as session:
        result = session.execute(DASHBOARD, variable_values={"code": "health", "first": 50})
        schema = client.schema
    assert schema is not None and schema.get_type("Indicator") is not None, "introspection failed"
    plan = result["plan"]
    assert plan["title"] == "昌乐县“十四五”卫生与健康规划", plan["title"]
    indicators = plan["indicators"]
    assert indicators["totalCount"] == 63, indicators["totalCount"]
    assert len(indicators["nodes"]) == 50 and indicators["pageInfo"]["hasNextPage"] is True
    literacy = [n for n in indicators["nodes"] if n["name"] == "居民健康素养水平" and n["target"]["raw"] == "30.32"]
    assert len(literacy) == 1, literacy
    row = literacy[0]
    assert row["unit"] == "%" and row["nature"] == "EXPECTED" and row["target"]["comparator"] == "AT_LEAST", row
    assert row["latestValue"] == {"year": 2020, "value": 23.16}, row["latestValue"]
    assert row["status"] == "NO_DATA" and row["progress"] is None, row
    # A query the schema does not allow is refused by the client itself, before sending.
    try:
        client.validate(gql("{ plans { nope } }"))
    except Exception:
        pass
    else:
        raise AssertionError("the client accepted a field the schema does not have")
    print(f"python gql client: introspected {len(schema.type_map)} types; dashboard returned "
          f"{len(indicators['nodes'])} of {indicators['totalCount']} indicators")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/graphql")
