"""The benchmark harness measures what it claims, on a handful of postings (no load, no
seeding): every query of the mix is timed and explained, and the report names each one."""

import pytest

from bench import latency, run
from tests.factories import PostingFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def postings():
    coo = RoleFactory(
        title="Chief Operating Officer", slug="chief-operating-officer", abbreviation="COO"
    )
    PostingFactory.create_batch(3, role=coo, title="Chief Operating Officer")
    PostingFactory.create_batch(3, title="Operations Manager", workplace="remote", country="GB")


def test_latency_measures_every_query_of_the_mix_and_explains_its_sql(postings, tmp_path):
    result = latency.run(repetitions=3, warmup=1, plans_dir=tmp_path, plan_prefix="test-")

    assert [row["key"] for row in result["searches"]] == [key for key, _, _ in latency.QUERY_MIX]
    for row in result["searches"]:
        assert len(row["samples_ms"]) == 3
        assert row["p50"] <= row["p95"] <= row["p99"]
        assert row["queries"] > 0
        assert "queries" in row["plan_summary"]
        plan = (tmp_path / row["plan_file"]).read_text()
        assert plan.startswith(f"-- GET {row['path']}")
    assert [row["key"] for row in result["pages"]] == ["home", "explainer", "detail"]
    table = latency.table(result)
    for _, label, _ in latency.QUERY_MIX:
        assert f"| {label} |" in table


def test_the_abbreviation_search_of_the_mix_finds_the_coo_postings(postings, client):
    params = next(params for key, _, params in latency.QUERY_MIX if key == "abbreviation")
    response = client.get(latency.search_path(params))

    assert response.content.decode().count("Chief Operating Officer") >= 3


def test_wrk_output_is_read_into_rate_latencies_and_errors():
    output = """Running 10s test @ http://127.0.0.1:8200/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.12ms    2.01ms  40.10ms   90.00%
  Latency Distribution
     50%    4.80ms
     75%    5.90ms
     90%    7.20ms
     99%    1.20s
  15523 requests in 10.01s, 450.12MB read
  Non-2xx or 3xx responses: 12
Requests/sec:   1550.80
Transfer/sec:     44.97MB
"""
    result = run.parse_wrk(output)

    assert result == {
        "requests_per_second": 1550.8,
        "p50_ms": 4.8,
        "p99_ms": 1200.0,
        "requests": 15523,
        "non_2xx": 12,
        "socket_errors": 0,
    }
