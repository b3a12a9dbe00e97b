"""The benchmark's results as one JSON document and as the markdown shown and kept."""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any

from benchmarks.compliance_join.pairs import Summary

if TYPE_CHECKING:
    from benchmarks.compliance_join.harness import Options

#: What the issue quoted for the pure spatial join (another machine; for orientation only).
ISSUE_REFERENCE_S = {"postgis": 5.6, "shapely": 7.7, "duckdb": 12.5, "geopandas": 30.0}
PACKAGES = ("numpy", "shapely", "geopandas", "pandas", "pyarrow", "duckdb", "psycopg")


def versions(results: list[dict[str, Any]]) -> dict[str, str]:
    found = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    for result in results:
        details = result.get("details", {})
        for key in ("geos", "postgresql", "postgis"):
            if key in details:
                found[key] = details[key]
    return found


def document(
    options: Options, facts: dict[str, Any], results: list[dict[str, Any]], problems: list[str]
) -> dict[str, Any]:
    spec = options.spec
    return {
        "benchmark": "compliance join",
        "ok": not problems and all(r["status"] == "ok" for r in results),
        "workload": {
            "events": spec.events,
            "zone_windows": spec.zones,
            "side_m": round(spec.side_m, 1),
            "seed": spec.seed,
            "spatial_only": spec.spatial_only,
            "repeat": options.repeat,
            "chunk": options.chunk,
        },
        "machine": facts,
        "versions": versions(results),
        "results": results,
        "mismatches": problems,
    }


def _ratio(result: dict[str, Any], respite: dict[str, Any] | None) -> str:
    if respite is None or result["status"] != "ok":
        return "n/a"
    return f"{result['join_s'] / respite['join_s']:.1f}x"


def _server_peak(result: dict[str, Any]) -> str:
    details = result.get("details", {})
    if "server_backend_peak_mb" not in details:
        return ""
    workers = details["server_worker_peak_mb"]
    return f"{details['server_backend_peak_mb']:,.0f}" + (
        f" + {workers:,.0f} per worker" if workers else ""
    )


def markdown(doc: dict[str, Any]) -> str:
    load, facts, results = doc["workload"], doc["machine"], doc["results"]
    ok = [r for r in results if r["status"] == "ok"]
    respite = next((r for r in ok if r["engine"] == "respite"), None)
    kind = "pure spatial join (every window spans the 30 days)" if load["spatial_only"] else ""
    lines = [
        f"# Compliance join: {load['events']:,} events x {load['zone_windows']:,} zone-windows"
        + (f", {kind}" if kind else ""),
        "",
        f"{facts['date']}; {facts['nproc']} cores ({facts['cpu']}), {facts['memory_gb']} GB; "
        f"load average {facts['load_average_1m_start']} at start, "
        f"{facts['load_average_1m_end']} at end. Square of {load['side_m'] / 1000:g} km, "
        f"seed {load['seed']}, best of {load['repeat']} join(s) per engine, "
        f"data written to Parquet in {facts['generate_s']} s.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in doc["versions"].items()) + ".",
        "",
    ]
    if ok:
        s = Summary.from_json(ok[0]["summary"])
        agreed = "all engines agree" if not doc["mismatches"] else "ENGINES DISAGREE"
        lines += [
            f"**{s.pairs:,} pairs** ({agreed}): {s.inside:,} inside, {s.possibly:,} possibly; "
            f"time within {s.time_within:,}, overlapping {s.pairs - s.time_within:,}; place "
            f"interior {s.place_within:,}, boundary {s.pairs - s.place_within:,}; checksum "
            f"sum {s.hash_sum}, xor {s.hash_xor}.",
            "",
        ]
    lines += [
        "| engine | load s | join s | pairs | peak RSS MB | server peak MB | join vs respite |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if r["status"] != "ok":
            lines.append(f"| {r['engine']} | {r['status']}: {r['reason']} | | | | | |")
            continue
        lines.append(
            f"| {r['engine']} | {r['load_s']:.2f} | {r['join_s']:.2f} | "
            f"{r['summary']['pairs']:,} | {r['peak_rss_mb']:,.0f} | {_server_peak(r)} | "
            f"{_ratio(r, respite)} |"
        )
    lines += [
        "",
        "Peak RSS: the engine's own process (ru_maxrss from wait4). Server peak: the PostgreSQL "
        "backend's VmHWM during the join (it counts the shared buffers it touched), and its "
        "parallel workers' if any.",
    ]
    lines += ["", "How each engine joins (load = Parquet to the engine's own input):", ""]
    lines += [f"- **{r['engine']}**: {r['details']['call']}" for r in ok]
    postgis = next((r for r in ok if r["engine"] == "postgis"), None)
    if postgis is not None:
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in postgis["details"]["load_steps_s"].items())
        lines += ["", f"PostGIS load: {steps}. Join settings tried (each on a fresh backend):", ""]
        lines += [
            f"- {t['settings']}: {t['join_s']:.2f} s, backend peak {t['backend_peak_mb']:,.0f} MB"
            + (
                f", workers {t['parallel_worker_peak_mb']:,.0f} MB"
                if t["parallel_worker_peak_mb"]
                else ""
            )
            for t in postgis["details"]["settings_tried"]
        ]
    if load["spatial_only"]:
        quoted = ", ".join(f"{k} ~{v:g} s" for k, v in ISSUE_REFERENCE_S.items())
        lines += ["", f"The issue's reference figures (another machine): {quoted}."]
    if doc["mismatches"]:
        lines += ["", "## MISMATCH", ""] + [f"- {p}" for p in doc["mismatches"]]
    return "\n".join(lines) + "\n"
