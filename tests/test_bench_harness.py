"""The benchmark harness measures what it claims, on a handful of postings (no load, no
seeding): every query of the mix is timed and explained, and the report names each one."""

import re

import pytest

from bench import feed, latency, run, sitemap
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
    assert [row["key"] for row in result["pages"]] == ["home", "list", "explainer", "detail"]
    for row in result["searches"] + result["pages"]:
        # Every part of a request's time, SQL within a template counted once, as SQL.
        assert set(row["split_ms"]) == {"sql", "orm", "template", "other"}
        assert all(ms > 0 for ms in row["split_ms"].values())
    table = latency.table(result)
    for _, label, _ in latency.QUERY_MIX:
        assert f"| {label} |" in table


def test_the_report_says_which_targets_are_missed_and_why(postings):
    server = latency.run(repetitions=3, warmup=1)
    pages = {"home": "/", "explainer": "/roles/x/", "list": "/jobs/", "search": "/jobs/?q=x",
             "detail": "/jobs/y/"}  # fmt: skip

    def load(rate):
        return {"requests_per_second": rate, "p50_ms": 1.0, "p99_ms": 9.0, "requests": 100,
                "non_2xx": 0, "socket_errors": 0, "bytes": 2048}  # fmt: skip

    rates = {"home": 900, "explainer": 500, "list": 60, "search": 40, "detail": 800}
    throughput = {
        "pages": {
            mode: {name: {"path": pages[name], **load(rate)} for name, rate in rates.items()}
            for mode in ("off", "default")
        },
        "references": {"bare": load(2000), "django": load(1000)},
    }
    results = {
        "finished": "today",
        "minutes": 1,
        "machine": {"cores": "2"},
        "sizes": [100_000],
        "databases": ["postgresql"],
        "duration": 10,
        "repetitions": 3,
        "budget": 30.0,
        "runs": [
            {"database": "postgresql", "size": 100_000, "latency": server, "throughput": throughput}
        ],
    }

    report = run.report(results)

    targets = report.split("## Targets")[1]
    assert "| Role explainer ≥ 70% of the trivial Django view, cache on (the default, shared) " in (
        targets
    )
    assert "| 500 req/s = 50% of 1,000 | missed |" in targets
    assert "| 800 req/s = 80% of 1,000 | met |" in targets
    assert "**Role explainer, cache default**" in targets
    # Uncached, each page against its own share (issue 20): the list's 5%, the posting's 20%.
    assert (
        "| List ≥ 5% of the trivial Django view, cache off (postgresql, 100,000) "
        "| 60 req/s = 6% of 1,000 | met |"
    ) in targets
    assert (
        "| Search ≥ 5% of the trivial Django view, cache off (postgresql, 100,000) "
        "| 40 req/s = 4% of 1,000 | missed |"
    ) in targets
    assert (
        "| Posting ≥ 20% of the trivial Django view, cache off (postgresql, 100,000) "
        "| 800 req/s = 80% of 1,000 | met |"
    ) in targets
    # Redis not measured in this run: said so, not guessed.
    assert (
        "| Home ≥ 60% of the trivial Django view, cache on (Redis) (postgresql, 100,000) "
        "| not measured | — |"
    ) in targets
    assert "What would reach it" in targets
    # Each missed page's time by part: where it goes, not only how much.
    assert "**Search, cache off**" in targets
    assert re.search(r"SQL [\d.]+ ms, the ORM [\d.]+, templates [\d.]+", targets)
    assert "| Search p95 ≤ 60 ms in the server over the query mix (postgresql, 100,000) | p95 " in (
        targets
    )
    # Nothing at 1,000,000 postings.
    assert (
        "| Search p95 ≤ 150 ms in the server over the query mix (postgresql, 1,000,000) "
        "| not measured | — |"
    ) in targets
    for _, label, _ in latency.QUERY_MIX:
        assert f"search in server: {label} |" in report
    assert "| postgresql | 100,000 | search in server: the whole mix | off |" in report


def searches(*queries):
    """In-server search rows as bench/latency.py writes them: (label, samples in ms)."""
    return [
        {"key": label.lower(), "label": label, "samples_ms": samples,
         "p50": latency.percentile(samples, 50), "p95": latency.percentile(samples, 95),
         "sql_ms": 1.0, "statements": [{"kind": "list", "milliseconds": 1.0, "full_scans": []}]}
        for label, samples in queries
    ]  # fmt: skip


def search_verdict(rows):
    result = {"database": "postgresql", "size": 100_000, "latency": {"searches": rows}}
    target = run.search_targets([result])[0]
    return target["verdict"], target["result"]


def test_the_search_target_is_the_p95_of_the_whole_mix_not_of_its_slowest_query():
    # One query of twenty at 80 ms is 5% of the mix: the mix's p95 is still 10 ms.
    rows = searches(*[(f"Fast {n}", [10.0] * 20) for n in range(19)], ("Slow", [80.0] * 20))

    verdict, result = search_verdict(rows)

    assert verdict == "met"
    assert result == "p95 10.0 ms over the mix; slowest query p95 80.0 ms (Slow)"


def test_a_slow_query_cut_short_by_its_time_budget_weighs_as_much_as_a_fast_one():
    # Pooled, 5 slow samples of 105 would hide under the p95; as half the mix they do not.
    rows = searches(("Fast", [10.0] * 100), ("Slow", [80.0] * 5))

    verdict, result = search_verdict(rows)

    assert verdict == "missed"
    assert result.startswith("p95 80.0 ms over the mix")
    assert latency.mix_percentile([[10.0] * 100, [80.0] * 5], 95) == 80.0
    # With as many samples for each, it is the percentile of them all.
    first, second = [float(n) for n in range(1, 21)], [float(n) for n in range(21, 41)]
    assert latency.mix_percentile([first, second], 95) == latency.percentile(first + second, 95)
    assert latency.percentile(first + second, 95) == 38


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


def test_a_separate_run_joins_the_earlier_ones_in_one_report():
    def results(finished, *runs):
        stamp = {"finished": finished, "minutes": 2}
        return {**stamp, "runs": [{**run, **stamp} for run in runs]}

    earlier = results(
        "monday", {"database": "sqlite", "size": 10}, {"database": "sqlite", "size": 20}
    )
    later = results("tuesday", {"database": "sqlite", "size": 20, "new": True})

    merged = run.merge(earlier, later)

    assert [(each["size"], each["finished"]) for each in merged["runs"]] == [
        (10, "monday"),
        (20, "tuesday"),
    ]
    assert merged["runs"][1]["new"]
    assert merged["sizes"] == [10, 20]
    assert (merged["merged"], merged["minutes"]) == (["monday", "tuesday"], 4)
    # A rerun of every size keeps nothing of the earlier one, nor names it.
    replaced = run.merge(merged, results("friday", *merged["runs"]))
    assert (replaced["merged"], replaced["minutes"]) == (["friday"], 2)


def test_a_run_of_some_measurements_keeps_the_others_of_its_database_and_size():
    feed_only = {"database": "postgresql", "size": 1_000_000, "feed": {"jobs": 9}}
    searches = {"database": "postgresql", "size": 1_000_000, "latency": {"searches": []}}
    earlier = {"finished": "monday", "minutes": 30, "runs": [feed_only]}
    later = {"finished": "tuesday", "minutes": 20, "runs": [searches]}

    (merged,) = run.merge(earlier, later)["runs"]

    assert merged["feed"] == {"jobs": 9}
    assert merged["latency"] == {"searches": []}


def test_a_report_of_the_feed_alone_says_the_rest_was_not_measured():
    feed_only = {"database": "postgresql", "size": 1_000_000, "feed": {}}
    targets = run.search_targets([feed_only])

    assert {target["result"] for target in targets} == {"not measured"}


def test_the_sitemap_row_times_the_index_and_the_postings_file_uncached(postings, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0

    result = sitemap.run()

    assert [row["path"] for row in result["rows"]] == ["/sitemap.xml", "/sitemap-postings.xml"]
    assert result["rows"][1]["urls"] == 6
    assert all(row["peak_kb"] > 0 and row["ms"] > 0 for row in result["rows"])
    table = run.results_table([{"database": "sqlite", "size": 6, "sitemap": result}])
    assert "| sqlite | 6 | sitemap in server: `/sitemap-postings.xml`, 6 URLs, peak " in table


def test_the_feed_rows_time_the_build_and_the_request_beside_a_static_file(postings, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]

    result = feed.run()

    assert result["jobs"] == 6
    assert result["ms_per_1000_jobs"] > 0
    assert result["rebuild_traced_peak_kb"] > 0
    assert result["request_bytes"] == result["static_bytes"] == result["gzip_bytes"]
    report = run.report(
        {"finished": "today", "minutes": 1, "machine": {"cores": "2"}, "sizes": [6],
         "databases": ["sqlite"], "duration": 10, "repetitions": 3, "budget": 30.0,
         "runs": [{"database": "sqlite", "size": 6, "feed": result}]}
    )  # fmt: skip
    assert "| sqlite | 6 | aggregator feed rebuilt by the worker: 6 jobs, " in report
    assert "| sqlite | 6 | aggregator feed in server: `/jobs/feed.xml` (gzip) |" in report
    assert "| sqlite | 6 | the same file as a static file (WhiteNoise) |" in report
    target = report.split("## Targets")[1]
    assert "| Aggregator feed within 15 minutes of a change at 1,000,000 postings " in target
    assert "(extrapolated from sqlite at 6; " in target


def test_each_cache_mode_sets_the_cache_whatever_the_callers_environment(monkeypatch):
    """A shell with the page cache switched off must not turn the cached runs into
    uncached ones."""
    monkeypatch.setenv("CACHE_URL", "dummycache://")
    monkeypatch.setenv("PUBLIC_PAGE_CACHE_SECONDS", "0")

    default = run.site_env("sqlite:///x", run.DEFAULT_CACHE, "secret")
    redis = run.site_env("sqlite:///x", "redis://127.0.0.1:6379/9", "secret")
    off = run.site_env("sqlite:///x", run.OFF, "secret", **run.CACHE_OFF)

    assert "CACHE_URL" not in default
    assert "PUBLIC_PAGE_CACHE_SECONDS" not in default
    assert redis["CACHE_URL"] == "redis://127.0.0.1:6379/9"
    assert "PUBLIC_PAGE_CACHE_SECONDS" not in redis
    assert (off["CACHE_URL"], off["PUBLIC_PAGE_CACHE_SECONDS"]) == ("dummycache://", "0")


def test_the_search_alerts_run_once_per_database_at_its_largest_size():
    chosen = {"latency", "sitemap", "feed", "alerts"}

    assert run.measured_at(chosen, 10_000, [10_000, 100_000]) == {"latency", "sitemap", "feed"}
    assert run.measured_at(chosen, 100_000, [10_000, 100_000]) == chosen
    assert run.measured_at(chosen, 10_000, [10_000]) == chosen
