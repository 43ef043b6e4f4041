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
      plans {
        code
        statusCounts { status count }
      }
      plan(code: $code) {
        title
        targets(first: $first) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            id name unit nature value raw comparator tableNumber
            indicator { name latestValue { year value } }
            progress
            status
            statusReason
          }
        }
      }
    }
    """
)

# Every status of every plan, as the document stands on a fresh install: the 2020 figures of
# 婴儿死亡率 (2.27‰) and 5岁以下儿童死亡率 (3.64‰) already meet their targets in the children's
# plan and three times in the health plan. (Women: 32 targets since 宫颈癌 and 乳腺癌免费检查率
# are two.)
EXPECTED_COUNTS = {
    "women": {"NO_DATA": 33, "NOT_QUANTIFIED": 2},
    "children": {"ACHIEVED": 2, "NO_DATA": 36, "NOT_QUANTIFIED": 1},
    "health": {"ACHIEVED": 4, "NO_DATA": 91, "NOT_QUANTIFIED": 8},
    "earthquake": {"NO_DATA": 6, "NOT_QUANTIFIED": 1},
}


def main(url: str) -> None:
    transport = RequestsHTTPTransport(url=url, timeout=10)
    # fetch_schema_from_transport: the client introspects the server and validates every
    # query against that schema before sending it.
    client = Client(transport=transport, fetch_schema_from_transport=True)
    with client as session:
        result = session.execute(DASHBOARD, variable_values={"code": "health", "first": 50})
        schema = client.schema
    assert schema is not None and schema.get_type("Target") is not None, "introspection failed"
    # one query, no aliases: every status count of every plan
    counts = {
        p["code"]: {c["status"]: c["count"] for c in p["statusCounts"] if c["count"]}
        for p in result["plans"]
    }
    assert counts == EXPECTED_COUNTS, counts
    plan = result["plan"]
    assert plan["title"] == "昌乐县“十四五”卫生与健康规划", plan["title"]
    targets = plan["targets"]
    assert targets["totalCount"] == 103, targets["totalCount"]
    assert len(targets["nodes"]) == 50 and targets["pageInfo"]["hasNextPage"] is True
    row = [n for n in targets["nodes"] if n["tableNumber"] == 7]
    assert len(row) == 1, row
    row = row[0]
    assert row["indicator"]["name"] == "居民健康素养水平" and row["raw"] == "30.32", row
    assert row["unit"] == "%" and row["nature"] == "EXPECTED" and row["comparator"] == "AT_LEAST", row
    assert row["indicator"]["latestValue"] == {"year": 2020, "value": 23.16}, row["indicator"]
    assert row["status"] == "NO_DATA" and row["progress"] is None, row
    assert row["statusReason"] == "起点为2020年的23.16，目标为2025年≥30.32；此后尚无公布数据", row
    # A query the schema does not allow is refused by the client itself, before sending.
    try:
        client.validate(gql("{ plans { nope } }"))
    except Exception:
        pass
    else:
        raise AssertionError("the client accepted a field the schema does not have")
    print(f"python gql client: introspected {len(schema.type_map)} types; dashboard returned "
          f"{len(targets['nodes'])} of {targets['totalCount']} targets and the status counts "
          f"of {len(counts)} plans")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/graphql")
