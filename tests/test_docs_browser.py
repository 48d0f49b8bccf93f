"""The documentation site in a real browser: Debian's Chromium driven by Playwright.

The site is built for a copy of the package whose data holds a hostile incident summary, served
on 127.0.0.1, and every page is loaded (of the one-per-incident pages, a sample). A page fails on
a console error, an uncaught exception, a failed or non-local request, or an HTTP error. The
pictures must draw (canvas pixels, map markers and outlines, screenshots that are not blank),
search must find an incident id, the hostile summary must show as text without running, the SQL
page must give a cookbook query's result as DuckDB in Python does, tables must fit at 1280 px,
and the site opened from disk (file://) must still have its search box and map outlines.

Screenshots (home page, timeline, map, an incident page, the SQL page, the dictionary) are kept
in build/docs-screenshots/ (or $CIVHARM_SCREENSHOTS) to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docs_site import HOSTILE, REPO_ROOT, pages, plant_hostile_summary, site_for
from site_browser import Watched, chromium, serve, sync_api

# Element screenshots scroll the page: hide the sticky header so it does not cover the picture.
NO_HEADER = ".md-header, .md-top { display: none !important; }"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built for a package copy with a hostile summary, that incident's id, the package."""
    return site_for(tmp_path_factory.mktemp("docs-browser"), plant_hostile_summary)


@pytest.fixture(scope="module")
def server(site):
    with serve(site[0]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def shots():
    d = Path(os.environ.get("CIVHARM_SCREENSHOTS") or REPO_ROOT / "build" / "docs-screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def watched(browser, server):
    w = Watched(browser, server)
    yield w
    w.close()


def not_blank(png: Path, min_share: float = 0.01) -> float:
    """The share of pixels that are not (near) white in a screenshot."""
    from PIL import Image

    img = Image.open(png).convert("L")
    hist = img.histogram()
    return sum(hist[:245]) / (img.width * img.height)


# Incident pages loaded by the every-page test: the first, the founding article's, one with
# relations, the last and the hostile one (all 281 would add minutes and test the same template).
INCIDENT_SAMPLE = ["CH-000001", "CH-000002", "CH-000054"]


def test_every_page_loads_without_errors(site, watched):
    everything = pages(site[0])
    incident_pages = sorted(u for u in everything if u.startswith("/incidents/CH-"))
    assert len(incident_pages) > 200, "one page per incident"
    sample = {f"/incidents/{i}/" for i in INCIDENT_SAMPLE} | {incident_pages[-1], f"/incidents/{site[1]}/"}
    # /sql/ has its own test, which waits for DuckDB-WASM's 35 MB to load and checks the same problems
    urls = [u for u in everything if not u.startswith("/incidents/CH-") and u != "/sql/"] + sorted(sample)
    assert len(urls) >= 15, urls
    failures = {}
    for url in urls:
        watched.problems.clear()
        page = watched.goto(url)
        if page.locator(".civharm-map").count():
            page.wait_for_selector(".civharm-map[data-drawn=true]")
        if page.locator(".civharm-sql").count():  # DuckDB-WASM loads: leaving mid-download fails requests
            page.wait_for_function("() => { const s = document.querySelector('.civharm-sql').civharm;"
                                   " return s && s.status !== 'starting'; }", timeout=120_000)
            assert page.evaluate("document.querySelector('.civharm-sql').civharm.status") == "ready", url
        assert page.evaluate("window.__pwned") is None, f"{url}: the hostile summary ran as script"
        if watched.problems:
            failures[url] = list(watched.problems)
    assert not failures, "\n".join(f"{u}: {p}" for u, ps in failures.items() for p in ps)


def test_home_page_shows_figures(watched, shots):
    page = watched.goto("/")
    figures = page.locator(".civharm-figure")
    assert figures.count() >= 5
    assert page.locator('[data-figure="incidents"] .civharm-figure-value').inner_text().strip() not in ("", "0")
    shot = shots / "home.png"
    page.screenshot(path=str(shot), full_page=True)
    assert not_blank(shot) > 0.01
    assert not watched.problems, watched.problems


def test_home_page_figures_are_the_views_values(site, watched):
    """Each campaign's deaths on the home page, as a reader sees them (cards and campaign table),
    are campaign_totals' deduplicated bounds with its raw sums beside, for the package built."""
    import civharm
    from civharm.coverage import figure_range

    totals = civharm.connect(site[2]).sql(
        "SELECT CAST(campaign AS VARCHAR), incidents, dedup_min, dedup_max, raw_min, raw_max FROM campaign_totals"
    ).fetchall()
    assert totals
    page = watched.goto("/")
    for campaign, incidents, lo, hi, raw_lo, raw_hi in totals:
        card = page.locator(f'[data-figure="civilians-killed-{campaign}"]')
        assert card.locator(".civharm-figure-value").inner_text().strip() == figure_range(lo, hi)
        assert f"raw sum {figure_range(raw_lo, raw_hi)};" in card.locator(".civharm-figure-label").inner_text()
        row = page.locator(".civharm-campaigns tr", has=page.locator(f"td:first-child code:text-is('{campaign}')"))
        assert row.count() == 1
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        assert (cells[2], cells[4], cells[5]) == (f"{incidents:,}", figure_range(lo, hi), figure_range(raw_lo, raw_hi))
    coverage = page.locator("#what-the-data-holds ~ p", has_text="The campaigns are not comparable.")
    assert coverage.count() == 1
    assert not watched.problems, watched.problems


def test_charts_draw(watched, shots):
    page = watched.goto("/pictures/")
    charts = page.locator(".civharm-chart")
    assert charts.count() >= 2  # a timeline per campaign and official against monitors
    page.wait_for_function("document.querySelectorAll('.civharm-chart[data-drawn=true]').length === "
                           "document.querySelectorAll('.civharm-chart').length")
    inked = page.evaluate("""() => Array.from(document.querySelectorAll('.civharm-chart canvas')).map(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height);
    })""")
    assert inked and all(share > 0.01 for share in inked), f"share of drawn pixels per canvas: {inked}"
    timeline = page.locator(".civharm-timeline")
    shot = shots / "timeline.png"
    timeline.screenshot(path=str(shot), style=NO_HEADER)
    assert not_blank(shot) > 0.02
    page.locator("#official-vs-monitors-chart").screenshot(path=str(shots / "official-vs-monitors.png"), style=NO_HEADER)
    assert not watched.problems, watched.problems


def test_map_draws_markers_outlines_and_a_text_only_popup(site, watched, shots):
    hostile_id = site[1]
    page = watched.goto("/pictures/")
    page.wait_for_selector(".civharm-map[data-drawn=true]")
    assert page.locator(".civharm-map .leaflet-marker-icon").count() > 0  # markers and clusters
    assert page.locator(".civharm-map .leaflet-overlay-pane path").count() > 10  # country outlines
    shot = shots / "map.png"
    page.locator("#incident-map-figure .civharm-map").screenshot(path=str(shot), style=NO_HEADER)
    assert not_blank(shot) > 0.05

    page.evaluate("""id => new Promise(done => {
        const m = document.querySelector('.civharm-map').civharm;
        const marker = m.markers[id];
        m.cluster.zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
    })""", hostile_id)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert hostile_id in popup.inner_text()
    assert HOSTILE in popup.inner_text()  # the markup is shown as text ...
    assert popup.locator("script, img").count() == 0  # ... and never becomes elements
    assert page.evaluate("window.__pwned") is None
    page.locator(".civharm-map").screenshot(path=str(shots / "map-popup.png"), style=NO_HEADER)
    assert not watched.problems, watched.problems


def test_hostile_summary_shows_as_text_on_the_incident_page(site, watched):
    hostile_id = site[1]
    page = watched.goto(f"/incidents/{hostile_id}/")
    summary = page.locator(f'.civharm-incident[data-incident="{hostile_id}"] .civharm-summary')
    assert summary.inner_text() == HOSTILE
    assert summary.locator("script, img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert not watched.problems, watched.problems


def test_search_finds_an_incident_id(watched):
    page = watched.goto("/")
    page.wait_for_function("document.querySelector('.md-search__input') !== null")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("CH-000002", delay=30)  # as a person types: Material searches on keystrokes
    hit = page.locator('.md-search-result__item a[href*="incidents/CH-000002/"]').first
    hit.wait_for()
    assert "CH-000002" in hit.inner_text()
    hit.click()
    page.wait_for_url(lambda url: "/incidents/CH-000002/" in url)  # ?h= highlights
    assert page.locator("h1").inner_text().startswith("CH-000002 · ")
    assert not watched.problems, watched.problems


def test_a_relation_links_to_the_related_incident(watched, shots):
    """CH-000006's page says 'Contained in CH-000054'; following the link opens CH-000054's page,
    which says it contains CH-000006. The map popup of CH-000006 names the same relation."""
    page = watched.goto("/incidents/CH-000006/")
    relation = page.locator('.civharm-relations li[data-related="CH-000054"]')
    assert relation.inner_text().startswith("Contained in CH-000054 (Raqqa, 2017-06-09 – 2017-06-10, 49 killed).")
    relation.locator("a", has_text="CH-000054").click()
    page.wait_for_url(lambda url: url.endswith("/incidents/CH-000054/"))
    assert page.locator("h1").inner_text().startswith("CH-000054 · Raqqa")
    back = page.locator('.civharm-relations li[data-related="CH-000006"]')
    assert back.inner_text().startswith("Contains CH-000006 (")
    page.screenshot(path=str(shots / "incident-relations.png"))

    page = watched.goto("/pictures/")
    page.wait_for_selector(".civharm-map[data-drawn=true]")
    page.evaluate("""id => new Promise(done => {
        const m = document.querySelector('.civharm-map').civharm;
        const marker = m.markers[id];
        m.cluster.zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
    })""", "CH-000006")
    line = page.locator(".leaflet-popup-content .civharm-popup-relation")
    line.wait_for()
    assert line.inner_text() == "Contained in CH-000054"
    assert line.locator("a").get_attribute("href") == "../incidents/CH-000054/"
    assert not watched.problems, watched.problems


def test_map_shows_places_precision_and_cluster_lists(site, watched, shots):
    """Towns and rivers on the map (Natural Earth zoomed out, the data's localities zoomed in),
    incidents placed at a town's centre drawn as rings (not as strikes), and a click on a cluster
    lists its incidents with links to their pages."""
    page = watched.goto("/pictures/")
    page.wait_for_selector(".civharm-map[data-drawn=true]")
    towns = page.locator(".civharm-map .civharm-ne-place").all_inner_texts()
    assert {"Ar Raqqah", "Mosul", "Dayr az Zawr"} <= set(towns), towns
    assert page.locator(".civharm-map path.civharm-river").count() >= 2
    assert {"Euphrates", "Tigris"} <= set(page.locator(".civharm-map .civharm-river-name").all_inner_texts())
    page.evaluate("() => document.querySelector('.civharm-map').civharm.map.setView([35.95, 39.01], 12, {animate: false})")
    page.wait_for_function("document.querySelectorAll('.civharm-map .civharm-place').length > 0")
    assert "Raqqa" in page.locator(".civharm-map .civharm-place").all_inner_texts()
    assert page.locator(".civharm-map .civharm-ne-place").count() == 0
    page.evaluate("() => { const m = document.querySelector('.civharm-map').civharm;"
                  " m.map.fitBounds(m.cluster.getBounds(), {animate: false}); }")
    caption = page.locator("#incident-map-figure figcaption").inner_text()
    assert "not where a strike hit" in caption
    page.evaluate("() => document.querySelector('.civharm-map').civharm.cluster.refreshClusters()")
    cluster = page.locator(".civharm-map .civharm-cluster").first
    count = int(cluster.inner_text())
    cluster.click()
    listing = page.locator(".civharm-cluster-list")
    listing.wait_for()
    assert listing.locator("li").count() == count
    first = listing.locator("li a").first
    assert first.get_attribute("href").startswith("../incidents/CH-")
    # the list's header ends clear of the zoom buttons, once the map has panned to show the popup
    clear = """() => {
        const h = document.querySelector('.civharm-cluster-list strong').getBoundingClientRect();
        const z = document.querySelector('.leaflet-control-zoom').getBoundingClientRect();
        return Math.min(h.right, z.right) <= Math.max(h.left, z.left) || Math.min(h.bottom, z.bottom) <= Math.max(h.top, z.top);
    }"""
    try:
        page.wait_for_function(clear, timeout=5_000)
    except sync_api.TimeoutError:
        boxes = [page.locator(s).bounding_box() for s in (".civharm-cluster-list strong", ".leaflet-control-zoom")]
        raise AssertionError(f"the cluster list's header stays under the zoom buttons: {boxes}") from None
    page.locator("#incident-map-figure .civharm-map").screenshot(path=str(shots / "map-cluster-list.png"), style=NO_HEADER)
    page.keyboard.press("Escape")
    m = page.evaluate("""() => { const m = document.querySelector('.civharm-map').civharm;
        return Object.values(m.markers).map(k => [k.civharm.location_precision, k.civharm.exact]); }""")
    assert all(exact == (precision == "point") for precision, exact in m)
    assert not watched.problems, watched.problems


def test_map_names_stay_readable_beside_clusters(watched, shots):
    """A town's name is never under a cluster: names are drawn above the markers, and a town
    with incidents on it has its name set beside them, clear of every cluster's count."""
    page = watched.goto("/pictures/")
    page.wait_for_selector(".civharm-map[data-drawn=true]")
    got = page.evaluate("""() => {
        const map = document.querySelector('.civharm-map');
        const z = el => Number(getComputedStyle(el.closest('.leaflet-pane')).zIndex);
        const clusters = Array.from(map.querySelectorAll('.civharm-cluster')).map(c => c.getBoundingClientRect());
        return Array.from(map.querySelectorAll('.civharm-ne-place')).map(n => {
            const r = n.getBoundingClientRect();
            const under = clusters.filter(c => {
                const x = (c.left + c.right) / 2, y = (c.top + c.bottom) / 2;
                return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom; }).length;
            return [n.textContent, z(n) > z(map.querySelector('.civharm-cluster')), under]; });
    }""")
    assert {"Mosul", "Ar Raqqah"} <= {name for name, _, _ in got}
    assert all(above for _, above, _ in got), f"names under the markers: {got}"
    assert not [name for name, _, under in got if under], f"names across a cluster's count: {got}"
    page.locator("#incident-map-figure .civharm-map").screenshot(path=str(shots / "map-names.png"), style=NO_HEADER)
    assert not watched.problems, watched.problems


def test_incident_index_sorts_and_filters(site, watched, shots):
    import civharm

    page = watched.goto("/incidents/")
    page.wait_for_selector(".civharm-index[data-ready=true]")
    ids = page.eval_on_selector_all(".civharm-index tbody tr", "rs => rs.map(r => r.dataset.id)")
    assert ids == sorted(ids) and len(ids) > 200  # ID order by default
    con = civharm.connect(site[2])
    fair = con.sql("SELECT count(*) FROM incidents WHERE grade = 'fair'").fetchone()[0]
    top = con.sql("SELECT incident_id FROM incidents ORDER BY coalesce(civilians_killed_max, civilians_killed_min) "
                  "DESC NULLS LAST, incident_id LIMIT 1").fetchone()[0]
    con.close()
    page.select_option('select[data-filter="grade"]', "fair")
    shown = page.eval_on_selector_all(".civharm-index tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.grade)")
    assert shown == ["fair"] * fair
    assert page.locator(".civharm-count").inner_text() == f"{fair} of {len(ids)} incidents"
    page.select_option('select[data-filter="grade"]', "")
    heading = page.locator(".civharm-index th", has_text="Civilians killed")
    heading.click()
    heading.click()  # the second click sorts downwards
    assert heading.get_attribute("aria-sort") == "descending"
    assert page.locator(".civharm-index tbody tr").first.get_attribute("data-id") == top
    page.locator('input[data-filter="text"]').fill("CH-000054")
    assert page.eval_on_selector_all(".civharm-index tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.id)")[0] == "CH-000054"
    assert not watched.problems, watched.problems


@pytest.mark.parametrize("path", ["/", "/data-dictionary/", "/incidents/", "/incidents/CH-000002/"])
def test_tables_fit_the_page_at_1280_px(watched, shots, path):
    """No table is wider than the content column, its padding excluded (no cut-off column, no
    hidden scrollbar): the home page's campaign table too."""
    page = watched.goto(path)
    wide = page.evaluate("""() => {
        const column = document.querySelector('.md-content__inner').getBoundingClientRect();
        return Array.from(document.querySelectorAll('.md-typeset table')).filter(t => t.offsetParent !== null)
            .filter(t => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > column.right + 1)
            .map(t => t.querySelector('th') ? t.querySelector('th').textContent : '?');
    }""")
    assert not wide, f"{path}: tables wider than the column: {wide}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    if path == "/data-dictionary/":
        page.locator("#incidents").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "data-dictionary.png"))
    if path == "/incidents/CH-000002/":
        page.screenshot(path=str(shots / "incident-CH-000002.png"), full_page=True)
    assert not watched.problems, watched.problems


def _python_cells(value):
    """A value as the SQL page shows it: dates as ISO text, NULL as None, numbers as text."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float):
        return round(value, 9)
    return str(value)


def test_sql_page_runs_a_cookbook_query_as_duckdb_in_python_does(site, watched, shots):
    import csv
    import io

    import civharm

    name = "02-deaths-per-month-by-campaign.sql"
    sql = (REPO_ROOT / "sql" / "cookbook" / name).read_text(encoding="utf-8")
    page = watched.goto("/sql/")
    assert not page.locator(".civharm-sql-csv").is_visible(), "Download CSV shows before there is a result"
    state = "document.querySelector('.civharm-sql').civharm"
    page.wait_for_function(f"() => {state} && {state}.status !== 'starting'", timeout=120_000)
    assert page.evaluate(f"{state}.status") == "ready", page.locator(".civharm-sql-status").inner_text()
    index = page.evaluate("name => Array.from(document.querySelectorAll('.civharm-sql-examples option'))"
                          ".findIndex(o => o.textContent.startsWith(name))", name)
    assert index >= 0
    page.select_option(".civharm-sql-examples", str(index))
    assert page.locator(".civharm-sql-query").input_value() == sql
    page.click(".civharm-sql-run")
    page.wait_for_function(f"() => ['done', 'error'].includes({state}.status)", timeout=60_000)
    got = page.evaluate(state)
    assert got["status"] == "done", got.get("error")

    con = civharm.connect(site[2])
    rel = con.sql(sql)
    columns, rows = rel.columns, rel.fetchall()
    con.close()
    assert got["columns"] == columns
    assert len(got["rows"]) == len(rows) > 0
    for mine, theirs in zip(got["rows"], rows):
        expected = [_python_cells(v) for v in theirs]
        shown = [None if v is None else (round(float(v), 9) if isinstance(e, float) else v)
                 for v, e in zip(mine, expected)]
        assert shown == expected
    table = page.locator(".civharm-sql-result table")
    assert table.locator("tbody tr").count() == len(rows)
    with page.expect_download() as download:
        page.click(".civharm-sql-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == columns and len(parsed) == len(rows) + 1
    page.locator(".civharm-sql-status").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "sql.png"))
    assert not watched.problems, watched.problems


def test_sql_page_shows_a_wide_result_whole(watched, shots):
    """A result wider than the page (every column of incidents) scrolls sideways inside a box no
    taller than the window, the page says so, and the last column can be scrolled into view;
    long texts wrap at a readable width rather than making rows taller than the window."""
    page = watched.goto("/sql/")
    state = "document.querySelector('.civharm-sql').civharm"
    page.wait_for_function(f"() => {state} && {state}.status !== 'starting'", timeout=120_000)
    assert page.evaluate(f"{state}.status") == "ready", page.locator(".civharm-sql-status").inner_text()
    page.fill(".civharm-sql-query", "FROM incidents ORDER BY incident_id LIMIT 20")
    page.click(".civharm-sql-run")
    page.wait_for_function(f"() => ['done', 'error'].includes({state}.status)", timeout=60_000)
    assert page.evaluate(f"{state}.status") == "done", page.evaluate(f"{state}.error")
    columns = page.evaluate(f"{state}.columns")
    note = page.locator(".civharm-sql-result > p").inner_text()
    assert note == (f"20 row(s), {len(columns)} column(s). The table is wider than the page: scroll it sideways "
                    "to see every column.")
    box = page.locator(".civharm-sql-table")
    box.scroll_into_view_if_needed()
    got = box.evaluate("""b => { b.scrollLeft = b.scrollWidth;
        const last = b.querySelector('th:last-child').getBoundingClientRect(), r = b.getBoundingClientRect();
        return {overflow: getComputedStyle(b).overflowX, height: r.height, window: window.innerHeight,
                lastShown: last.left >= r.left - 1 && last.right <= r.right + 1, last: b.querySelector('th:last-child').textContent,
                tallest: Math.max(...Array.from(b.querySelectorAll('tbody tr')).map(tr => tr.getBoundingClientRect().height))}; }""")
    assert got["overflow"] in ("auto", "scroll") and got["height"] <= got["window"], got
    assert got["lastShown"] and got["last"] == columns[-1], got
    assert got["tallest"] < got["height"], f"a row taller than the result box: {got}"
    page.screenshot(path=str(shots / "sql-wide.png"))
    assert not watched.problems, watched.problems


def test_the_site_opened_from_disk(site, browser, shots):
    """From file://: the search box is there and finds an incident, whose page opens; the map has
    its outlines; the SQL page says plainly that it needs the site served, and how."""
    w = Watched(browser, "file://" + str(site[0]))
    try:
        page = w.goto("/index.html")
        box = page.locator("input.md-search__input")
        assert box.is_visible()
        box.click()
        box.press_sequentially("CH-000002", delay=30)
        hit = page.locator('.md-search-result__item a[href*="incidents/CH-000002/"]').first
        hit.wait_for()
        hit.click()
        page.wait_for_url(lambda url: "/incidents/CH-000002/index.html" in url)  # the folder's page, not a listing
        assert page.locator("h1").inner_text().startswith("CH-000002 · ")
        assert "make serve" in page.locator(".civharm-disk-note").inner_text()

        page = w.goto("/pictures/index.html")
        page.wait_for_selector(".civharm-map[data-drawn=true]")
        assert page.locator(".civharm-map .leaflet-overlay-pane path").count() > 10  # country outlines
        page.locator("#incident-map-figure .civharm-map").screenshot(path=str(shots / "map-from-disk.png"), style=NO_HEADER)
        page.wait_for_function("document.querySelectorAll('.civharm-chart[data-drawn=true]').length === "
                               "document.querySelectorAll('.civharm-chart').length")

        page = w.goto("/sql/index.html")
        status = page.locator(".civharm-sql-status").inner_text()
        assert "opened from disk" in status and "make serve" in status and "python -m http.server" in status
        # the Run button that cannot run looks it (Material's primary button style would hide it)
        run = page.locator(".civharm-sql-run")
        assert run.is_disabled() and float(run.evaluate("b => getComputedStyle(b).opacity")) <= 0.5
        assert run.evaluate("b => getComputedStyle(b).cursor") == "not-allowed"
        assert not page.locator(".civharm-sql-csv").is_visible()
        assert not w.problems, w.problems
    finally:
        w.close()
