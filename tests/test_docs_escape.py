"""Hostile text in the site: every data value shows as text, on every page, picture and result.

One site is built for a copy of the package whose incident, claim and sources hold markup that
would run script if anything put it into a page unescaped (docs_site.HOSTILE_TEXT: an <img
onerror>, </script> and </title> breaks, an attribute break, Markdown links to javascript: and
attr_list braces). Then, in one Chromium session, the pages that show these values are opened
and used as a reader would: the home page (the coverage text names the dataset publisher), the
incident index (sorted, filtered by text and by source), the incident's own page, the pictures
(the official-against-monitors chart's tooltip, the map's popup and cluster list) and the SQL page
(a query that returns the values). Each must show the text literally, with no window.__pwned, no
dialog, no javascript: link and no element made from the data.
"""

from __future__ import annotations

import pytest

from docs_site import HOSTILE_TEXT, plant_hostile_fields, site_for
from site_browser import Watched, chromium, serve

# What a made-up element from a hostile value would be: none of these come from the site itself.
FOREIGN = "img[src='x'], svg[onload], [onerror], [onload], a[href^='javascript:']"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    site, ids, _ = site_for(tmp_path_factory.mktemp("docs-escape"), plant_hostile_fields)
    with serve(site) as base:
        yield base, ids


@pytest.fixture(scope="module")
def session(hostile_site):
    """One browser and one page for the whole module, recording dialogs as well as errors."""
    with chromium() as browser:
        w = Watched(browser, hostile_site[0])
        w.dialogs = []
        w.page.on("dialog", lambda d: (w.dialogs.append(d.message), d.dismiss()))
        yield w
        w.close()


def assert_inert(w: Watched, where: str, root: str = "body") -> None:
    """No hostile value ran, opened a dialog or became an element (inside `root`)."""
    page = w.page
    assert page.evaluate("window.__pwned") is None, f"{where}: hostile text ran as script ({page.evaluate('window.__pwned')})"
    assert not w.dialogs, f"{where}: a dialog opened: {w.dialogs}"
    made = page.eval_on_selector_all(f"{root} :is({FOREIGN})", "es => es.map(e => e.outerHTML.slice(0, 120))")
    made += page.evaluate("Array.from(document.scripts).filter(s => s.text.includes('__pwned')).map(s => s.outerHTML)")
    assert not made, f"{where}: elements made from data: {made}"
    assert not w.problems, f"{where}: {w.problems}"


def test_hostile_values_show_as_text_everywhere(hostile_site, session):
    base, ids = hostile_site
    w, iid = session, ids["incident"]

    # The home page: the coverage text names the dataset's publisher, in Markdown.
    page = w.goto("/")
    body = page.inner_text("body")
    assert HOSTILE_TEXT["dataset_publisher"] in body
    assert_inert(w, "home page")

    # The incident's own page: summary, place (heading and title), notes, the claim and its source.
    page = w.goto(f"/incidents/{iid}/")
    main = page.inner_text(".md-content")
    for key in ("summary", "locality", "neighbourhood", "notes", "statement", "publisher"):
        assert HOSTILE_TEXT[key] in main, f"incident page: {key} not shown literally"
    heading = page.inner_text("h1")
    assert HOSTILE_TEXT["locality"] in heading and HOSTILE_TEXT["neighbourhood"] in heading
    assert HOSTILE_TEXT["locality"] in page.title()  # <title>, where Material un-escapes a heading's text
    assert_inert(w, "incident page")

    # The same page names the incident's actor ("Attributed to").
    assert HOSTILE_TEXT["actor_name"] in main

    # An incident with a relation: the relation's note.
    page = w.goto(f"/incidents/{ids['relation_incident']}/")
    assert HOSTILE_TEXT["relation_note"] in page.inner_text(".civharm-relations")
    assert_inert(w, "relation note")

    # The home page's downloads and the data dictionary: the descriptor's and the schema's words.
    page = w.goto("/")
    assert HOSTILE_TEXT["resource_description"] in page.inner_text(".civharm-downloads")
    page = w.goto("/data-dictionary/")
    body = page.inner_text(".md-content")
    assert HOSTILE_TEXT["resource_description"] in body and HOSTILE_TEXT["field_description"] in body
    assert_inert(w, "data dictionary")

    # The index: sort by place, filter by words of the hostile text and by the hostile publisher.
    page = w.goto("/incidents/")
    page.wait_for_selector(".civharm-index[data-ready=true]")
    page.click(".civharm-index th:has-text('Place')")
    page.fill('input[data-filter="text"]', "svg onload")
    shown = page.eval_on_selector_all(".civharm-index tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.id)")
    assert shown == [iid]
    page.fill('input[data-filter="text"]', "")
    page.select_option('select[data-filter="sources"]', HOSTILE_TEXT["publisher"])
    shown = page.eval_on_selector_all(".civharm-index tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.id)")
    assert iid in shown
    row = page.inner_text(f'.civharm-index tr[data-id="{iid}"]')
    assert HOSTILE_TEXT["locality"] in row and HOSTILE_TEXT["publisher"] in row
    assert_inert(w, "incident index")

    # The pictures: the official chart's tooltip for the incident, the map's popup and cluster list.
    page = w.goto("/pictures/")
    page.wait_for_function("document.querySelectorAll('.civharm-chart[data-drawn=true]').length === "
                           "document.querySelectorAll('.civharm-chart').length")
    title = page.evaluate("""id => {
        const canvas = document.querySelector('.civharm-chart[data-chart=official] canvas');
        const chart = Chart.getChart(canvas);
        const i = chart.data.labels.findIndex(l => l.startsWith(id + ' '));
        chart.tooltip.setActiveElements([{datasetIndex: 1, index: i}], {x: 0, y: 0});
        chart.update();
        return chart.tooltip.title.join(' ');
    }""", iid)
    assert HOSTILE_TEXT["locality"] in title  # drawn on the canvas as text
    page.wait_for_selector(".civharm-map[data-drawn=true]")
    page.evaluate("""id => new Promise(done => {
        const m = document.querySelector('.civharm-map').civharm;
        const marker = m.markers[id];
        m.cluster.zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
    })""", iid)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert HOSTILE_TEXT["summary"] in text and HOSTILE_TEXT["locality"] in text and HOSTILE_TEXT["neighbourhood"] in text
    assert_inert(w, "map popup", ".civharm-map")
    # The cluster that holds the incident at the widest zoom lists it with its place.
    page.evaluate("""() => new Promise(done => {
        const m = document.querySelector('.civharm-map').civharm;
        m.map.closePopup();
        m.map.once('zoomend', () => setTimeout(done, 600));  // clusters settle after the zoom
        m.map.setZoom(m.map.getMinZoom(), {animate: false});
    })""")
    kids = page.evaluate("""id => {
        const m = document.querySelector('.civharm-map').civharm;
        const parent = m.cluster.getVisibleParent(m.markers[id]);
        if (!parent || !parent.getAllChildMarkers) return 0;
        parent._icon.setAttribute('data-hostile-cluster', '');
        return parent.getAllChildMarkers().length;
    }""", iid)
    assert kids > 1, "the incident is not in a cluster at the widest zoom"
    page.click("[data-hostile-cluster]")
    listing = page.locator(".civharm-cluster-list")
    listing.wait_for()
    assert iid in listing.inner_text() and HOSTILE_TEXT["locality"] in listing.inner_text()
    assert_inert(w, "map cluster list", ".civharm-map")

    # The SQL page, served over http: a query that returns the hostile values as its result.
    page = w.goto("/sql/")
    state = "document.querySelector('.civharm-sql').civharm"
    page.wait_for_function(f"() => {state} && {state}.status !== 'starting'", timeout=120_000)
    assert page.evaluate(f"{state}.status") == "ready", page.locator(".civharm-sql-status").inner_text()
    page.fill(".civharm-sql-query", f"SELECT i.summary, i.locality, i.notes, c.statement, s.title, s.publisher "
                                    f"FROM incidents AS i JOIN claims AS c USING (incident_id) "
                                    f"JOIN sources AS s ON s.source_id = c.source_id "
                                    f"WHERE c.claim_id = '{ids['claim']}'")
    page.click(".civharm-sql-run")
    page.wait_for_function(f"() => ['done', 'error'].includes({state}.status)", timeout=60_000)
    assert page.evaluate(f"{state}.status") == "done", page.evaluate(f"{state}.error")
    cells = page.eval_on_selector_all(".civharm-sql-result td", "ts => ts.map(t => t.innerText)")
    assert cells == [HOSTILE_TEXT[k] for k in ("summary", "locality", "notes", "statement", "title", "publisher")]
    assert_inert(w, "SQL page")
