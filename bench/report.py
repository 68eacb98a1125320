"""The markdown table of a benchmark run (bench/results/latest.md), from the JSON that bench/run.py writes."""

from __future__ import annotations

MiB = 2**20


def _f(x: object, fmt: str = "{:.1f}") -> str:
    return "—" if x is None else fmt.format(x)


def _lat(r: dict | None) -> str:
    if not r:
        return "—"
    err = f", {r['errors']} err" if r.get("errors") else ""
    return f"{_f(r['p50_ms'])} / {_f(r['p99_ms'])} ms, {_f(r['rps'], '{:.0f}')}/s{err}"


def _rdflib(r: dict | None) -> str:
    if not r:
        return "—"
    if r.get("timed_out"):
        return f"> {r['limit_s']:.0f} s (stopped)"
    return _f(r.get("median_ms"), "{:,.0f} ms")


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"# noticekg benchmark, {report['date']}", "",
             f"{m['platform']}, {m['cores']} cores, Python {m['python']}; command: `{report['command']}`. "
             "The machine is shared: read ratios, not milliseconds.", "",
             "## Ingest", "",
             "| notices | figures | build end to end | notices/s | peak RSS | store on disk | parse /s | convert+load /s | validate /s | main process peak |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in report["sizes"]:
        b, st = s["build"], s["stages"]
        build = f"{b.get('build_s', b['seconds']):.0f} s" + ("" if b["ok"] else (" (timed out)" if b["timed_out"] else f" (exit {b['exit_code']})"))
        stage = [_f(st.get(k, {}).get("notices_per_s")) for k in ("parse", "convert_load", "validate")]
        main_peak = max((v.get("main_peak_rss_bytes") or 0 for v in st.values() if isinstance(v, dict)), default=0)
        stage.append(f"{main_peak / MiB:,.0f} MiB" if main_peak else "—")
        lines.append(f"| {s['notices']:,} | {s['figures']:,} | {build} | {_f(b['notices_per_s'])} | "
                     f"{b['peak_rss_bytes'] / MiB:,.0f} MiB | {_f(s['store_bytes'] and s['store_bytes'] / MiB, '{:,.0f} MiB')} | "
                     + " | ".join(stage) + " |")
    scored = [f"{s['build']['scoring_s']:.0f} s at {s['notices']:,}" for s in report["sizes"] if s["build"].get("scoring_s")]
    if scored:
        lines.append(f"\nThe build's time leaves out the bench's own scoring of the extraction, which runs in the build's "
                     f"process between parse and load ({', '.join(scored)}); its peak RSS does not.")
    for s in report["sizes"]:
        if "unfinished" in s["stages"]:
            u = s["stages"]["unfinished"]
            lines.append(f"\nAt {s['notices']:,} notices the build did not finish {', '.join(u['stages'])} "
                         f"({'time limit' if u['timed_out'] else 'error'} after {u['after_s']:.0f} s).")
    lines += ["", "## Extraction and validation against the generator's ground truth", "",
              "| notices | figures P / R | relations P / R | 文号 found | planted findings found | other findings |",
              "|---|---|---|---|---|---|"]
    for s in report["sizes"]:
        e, v = s.get("extraction") or {}, s.get("validation")
        fig = e.get("figures", {})
        rel = e.get("relations", {})
        doc = e.get("docnos", {})
        val = f"{v['found']} / {v['planted']} ({v['recall']:.0%})" if v else "— (no validated build)"
        lines.append(f"| {s['notices']:,} | {_f(fig.get('precision'), '{:.1%}')} / {_f(fig.get('recall'), '{:.1%}')} | "
                     f"{_f(rel.get('precision'), '{:.1%}')} / {_f(rel.get('recall'), '{:.1%}')} | "
                     f"{doc.get('found', '—')} / {doc.get('golden', '—')} | {val} | {v['unplanned_results'] if v else '—'} |")
    for s in report["sizes"]:
        h = s.get("http")
        if not h:
            continue
        lines += ["", f"## HTTP at {s['notices']:,} notices (store: {s['served_store']})", "",
                  "p50 / p99 and req/s, medians of alternating rounds; `raw` is `oxigraph serve` on a copy of the same "
                  "data (for `/api/governs`: the canned governing-figure query, the raw engine's point query).", "",
                  "| target | ours, 1 client | raw, 1 client | ours, 8 clients | raw, 8 clients | p50 ours/raw at 8 | rdflib in memory |",
                  "|---|---|---|---|---|---|---|"]
        rdf = (h.get("rdflib") or {}).get("queries", {})
        for name, sides in h["targets"].items():
            ours, raw = sides.get("ours", {}), sides.get("raw", {})
            ratio = None
            if ours.get("c8", {}).get("p50_ms") and raw.get("c8", {}).get("p50_ms"):
                ratio = ours["c8"]["p50_ms"] / raw["c8"]["p50_ms"]
            q = name.removeprefix("/sparql ")
            r = rdf.get(q)
            lines.append(f"| {name} | {_lat(ours.get('c1'))} | {_lat(raw.get('c1'))} | {_lat(ours.get('c8'))} | "
                         f"{_lat(raw.get('c8'))} | {_f(ratio, '{:.2f}×')} | {_rdflib(r)} |")
        mem = h.get("memory_bytes", {})
        lines += ["", "Serving memory: " + ", ".join(f"{k} {v / MiB:,.0f} MiB" for k, v in mem.items()) + "."]
        if h.get("rdflib"):
            lines.append(f"rdflib load of the same data: {_f(h['rdflib']['load_s'])} s"
                         + (" (timed out)" if h["rdflib"]["timed_out"] else "") + ".")
    return "\n".join(lines) + "\n"
