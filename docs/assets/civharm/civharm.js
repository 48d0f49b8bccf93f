/* civharm's pictures: the weekly timeline, official against monitor figures, and the map.
 *
 * The data comes from data-* attributes that the docs build (civharm/docs/datapages.py) fills
 * with JSON. Every data value reaches the page as text: chart labels are drawn on a canvas,
 * and map popups are built with textContent, never innerHTML. Nothing is fetched from another
 * host: Chart.js, Leaflet, the marker clusters, TopoJSON and the Natural Earth outlines ship
 * with the site (docs/assets/vendor/).
 * A drawn picture gets data-drawn="true", which the browser test waits for.
 */
(function () {
  "use strict";

  var BAND = { line: "#b2182b", floor: "rgba(178, 24, 43, 0.10)", fill: "rgba(178, 24, 43, 0.35)", raw: "#555555" };
  var OFFICIAL = "#2166ac";
  var MONITORS = "#ef6c00";

  function json(el, name) {
    return JSON.parse(el.getAttribute("data-" + name));
  }

  function range(lo, hi) {
    if (lo === null && hi === null) return "no figure";
    if (hi === null) return "at least " + lo;
    if (lo === null) return "up to " + hi;
    return lo === hi ? String(lo) : lo + "–" + hi;
  }

  function timeline(el) {
    var s = json(el, "series");
    var weeks = s.weeks;
    new Chart(el.querySelector("canvas"), {
      type: "line",
      data: {
        labels: weeks.map(function (w) { return w.week; }),
        datasets: [
          { label: "at least (deduplicated)", data: weeks.map(function (w) { return w.lo; }), borderColor: BAND.line,
            backgroundColor: BAND.floor, borderWidth: 1, pointRadius: 0, fill: "origin", stepped: "middle" },
          { label: "up to (deduplicated)", data: weeks.map(function (w) { return w.hi; }), borderColor: BAND.line,
            backgroundColor: BAND.fill, borderWidth: 1.5, pointRadius: 0, fill: "-1", stepped: "middle" },
          { label: "raw sum of maxima", data: weeks.map(function (w) { return w.raw_hi; }), borderColor: BAND.raw,
            borderDash: [4, 3], borderWidth: 1, pointRadius: 0, fill: false, stepped: "middle" }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "top", align: "end", labels: { boxWidth: 14 } },
          tooltip: {
            callbacks: {
              title: function (items) {
                var w = weeks[items[0].dataIndex];
                return w.iso + " (week of " + w.week + ")";
              },
              label: function () { return null; },
              afterBody: function (items) {
                var w = weeks[items[0].dataIndex];
                var lines = ["civilians killed: " + (w.incidents ? range(w.lo, w.hi) + " deduplicated, raw sum " +
                                                         range(w.raw_lo, w.raw_hi) : "no incident recorded"),
                             "incidents: " + w.incidents];
                if (w.without_figure) lines.push("incidents with no figure: " + w.without_figure);
                return lines;
              }
            }
          }
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkipPadding: 16 } },
          y: { beginAtZero: true, title: { display: true, text: "civilians killed per week" } }
        }
      }
    });
  }

  function official(el) {
    var rows = json(el, "series");
    function bar(lo, hi) {
      if (lo === null && hi === null) return null;
      return [lo === null ? hi : lo, hi === null ? lo : hi];
    }
    new Chart(el.querySelector("canvas"), {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.label + (r.official_denial ? " (denial)" : ""); }),
        datasets: [
          { label: "official (belligerent)", backgroundColor: OFFICIAL, minBarLength: 4,
            data: rows.map(function (r) { return bar(r.official_min, r.official_max); }) },
          { label: "monitors and media", backgroundColor: MONITORS, minBarLength: 4,
            data: rows.map(function (r) { return bar(r.monitors_min, r.monitors_max); }) }
        ]
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          tooltip: {
            callbacks: {
              label: function (item) {
                var r = rows[item.dataIndex];
                return item.datasetIndex === 0
                  ? "official: " + (r.official_denial && r.official_max === null ? "denied" : range(r.official_min, r.official_max))
                  : "monitors and media: " + range(r.monitors_min, r.monitors_max);
              }
            }
          }
        },
        scales: { x: { beginAtZero: true, title: { display: true, text: "civilians killed" } } }
      }
    });
  }

  function popup(i) {
    var box = document.createElement("div");
    box.className = "civharm-popup";
    function line(tag, textValue, cls) {
      var e = document.createElement(tag);
      e.textContent = textValue;
      if (cls) e.className = cls;
      box.appendChild(e);
      return e;
    }
    var head = line("strong", "");
    var a = document.createElement("a");
    a.href = i.href;
    a.textContent = i.incident_id;
    head.appendChild(a);
    line("div", i.date_start + (i.date_end !== i.date_start ? " – " + i.date_end : ""));
    line("div", i.place);
    line("div", "Civilians killed: " + i.killed);
    line("div", "Grade: " + i.grade);
    line("div", "Belligerent's position: " + (i.belligerent_position || "none recorded"));
    (i.relations || []).forEach(function (r) {  // "Contained in CH-000054", linking to it
      var rel = line("div", r.phrase + " ", "civharm-popup-relation");
      var to = document.createElement("a");
      to.href = r.href;
      to.textContent = r.incident_id;
      rel.appendChild(to);
    });
    line("p", i.summary || "", "civharm-popup-summary");
    return box;
  }

  // A popup opened near the map's top-left corner pans clear of the zoom buttons (34 px wide at
  // 10 px from the edge), so that its first line is never under them.
  var CLEAR_OF_ZOOM = [56, 10];

  // A cluster's incidents as a list in a popup: ID (linked), date, place, deaths, grade.
  function clusterList(markers) {
    var box = document.createElement("div");
    box.className = "civharm-cluster-list";
    var head = document.createElement("strong");
    head.textContent = markers.length + " incidents here";
    box.appendChild(head);
    var ul = document.createElement("ul");
    markers.map(function (m) { return m.civharm; })
      .sort(function (a, b) { return a.incident_id < b.incident_id ? -1 : 1; })
      .forEach(function (i) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = i.href;
        a.textContent = i.incident_id;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" " + i.date_start + ", " + i.place + ": " + i.killed +
                                               " killed, " + i.grade + (i.exact ? "" : " (placed at " +
                                               (i.location_precision || "area") + " centre)")));
        ul.appendChild(li);
      });
    box.appendChild(ul);
    return box;
  }

  function map(el) {
    var cfg = json(el, "config");
    var incidents = json(el, "incidents");
    var m = L.map(el, { zoomSnap: 0.5, minZoom: 3, maxZoom: 17 });
    m.attributionControl.setPrefix(false);
    m.attributionControl.addAttribution("Outlines, rivers, towns: Natural Earth; incident places: civharm's localities");
    // Clusters are neutral grey, so that colour on the map only ever means the grade. A click on a
    // cluster lists its incidents: most share their town's centre, so zooming would not part them.
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      zoomToBoundsOnClick: false,
      maxClusterRadius: 24,
      iconCreateFunction: function (c) {
        var n = document.createElement("span");
        n.className = "civharm-cluster";
        n.textContent = String(c.getChildCount());
        return L.divIcon({ className: "civharm-marker", html: n, iconSize: [30, 30] });
      }
    });
    cluster.on("clusterclick", function (e) {
      L.popup({ maxWidth: 420, className: "civharm-cluster-popup", autoPanPaddingTopLeft: CLEAR_OF_ZOOM })
        .setLatLng(e.layer.getLatLng())
        .setContent(clusterList(e.layer.getAllChildMarkers()))
        .openOn(m);
    });
    var markers = {};
    incidents.forEach(function (i) {
      var dot = document.createElement("span");
      dot.className = i.exact ? "civharm-dot" : "civharm-dot civharm-ring";
      dot.style[i.exact ? "background" : "borderColor"] = cfg.colours[i.grade] || "#555555";
      var marker = L.marker([i.latitude, i.longitude], {
        icon: L.divIcon({ className: "civharm-marker", html: dot, iconSize: [16, 16] }),
        title: i.incident_id + ", " + i.date_start + ", " + i.grade + (i.exact ? "" : ", placed at the " +
               (i.location_precision || "area") + " centre"),
        alt: i.incident_id
      });
      marker.civharm = i;
      marker.bindPopup(function () { return popup(i); }, { maxWidth: 320, autoPanPaddingTopLeft: CLEAR_OF_ZOOM });
      markers[i.incident_id] = marker;
      cluster.addLayer(marker);
    });
    m.addLayer(cluster);
    // Place names. Zoomed out (below 10): Natural Earth's towns and cities (the reference layer,
    // window.CIVHARM_NATURAL_EARTH). Zoomed in: the localities of the data, the towns with the most
    // incidents first, so that names do not pile up.
    var ne = window.CIVHARM_NATURAL_EARTH || { rivers: { features: [] }, places: { features: [] } };
    // Place names have a pane above the markers' (600) and below tooltips and popups (650, 700): a
    // cluster drawn on a town's centre would otherwise hide the town's name. The names take no
    // clicks (interactive: false), so a click on a cluster under a name still reaches the cluster.
    m.createPane("civharm-names").style.zIndex = 640;
    var BESIDE = 20;  // pixels: a cluster's radius (15) and a margin
    var names = L.layerGroup().addTo(m);
    // A town with incidents on it (so a marker or cluster over its point) has its name set beside
    // them, without its dot, instead of across the cluster's count.
    // Where a name goes: at its point when no incident lies where its text would be drawn (about
    // 7 pixels a letter, a cluster's radius around); else to the left of the point when that side
    // is clear, else to the right of the incidents on the point (clusters sit where their markers are).
    function busy(p, x0, x1) {
      return incidents.some(function (i) {
        var q = m.latLngToLayerPoint([i.latitude, i.longitude]);
        return q.x > x0 && q.x < x1 && Math.abs(q.y - p.y) < BESIDE; });
    }
    function anchorFor(lat, lon, name) {
      var p = m.latLngToLayerPoint([lat, lon]), w = 7 * (name || "").length;
      if (!busy(p, p.x - BESIDE, p.x + w + BESIDE)) return null;
      if (!busy(p, p.x - w - 2 * BESIDE, p.x - BESIDE / 2)) return [w + BESIDE, 8];
      return [-BESIDE, 8];
    }
    function placeNames() {
      var z = m.getZoom();
      names.clearLayers();
      if (z < 10) {
        ne.places.features.forEach(function (f) {
          if (f.properties.scalerank > (z >= 8 ? 9 : 7)) return;
          var c = f.geometry.coordinates;
          var beside = anchorFor(c[1], c[0], f.properties.name);
          var label = document.createElement("span");
          label.className = beside ? "civharm-ne-place civharm-beside" : "civharm-ne-place";
          label.textContent = f.properties.name;
          names.addLayer(L.marker([c[1], c[0]], {
            icon: L.divIcon({ className: "civharm-place-label", html: label, iconSize: null,
                              iconAnchor: beside || [4, 8] }),
            interactive: false, keyboard: false, pane: "civharm-names"
          }));
        });
        return;
      }
      var least = z >= 12 ? 1 : z >= 11 ? 2 : 3;
      (cfg.places || []).forEach(function (p) {
        if (p.incidents < least) return;
        var label = document.createElement("span");
        label.className = "civharm-place";
        label.textContent = p.name;
        names.addLayer(L.marker([p.latitude, p.longitude], {
          icon: L.divIcon({ className: "civharm-place-label", html: label, iconSize: null, iconAnchor: [-14, 8] }),
          interactive: false, keyboard: false, pane: "civharm-names"
        }));
      });
    }
    m.on("zoomend", placeNames);
    if (incidents.length) {
      m.fitBounds(L.latLngBounds(incidents.map(function (i) { return [i.latitude, i.longitude]; })).pad(0.3),
                  { maxZoom: 11 });
    } else {
      m.setView([35.5, 41], 6);
    }
    placeNames();
    L.control.scale({ imperial: false }).addTo(m);
    el.civharm = { map: m, cluster: cluster, markers: markers, places: names };
    function outlines(topo) {
      var countries = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(countries, {
        interactive: false,
        style: { color: "#8a8a8a", weight: 1, fillColor: "#f3efe6", fillOpacity: 1 }
      }).addTo(m).bringToBack();
      L.geoJSON(ne.rivers, { interactive: false, style: { color: "#5b9bd5", weight: 2, opacity: 0.9, className: "civharm-river" } })
        .addTo(m);
      var RIVERS = { "Al Furat": "Euphrates", "Tigris": "Tigris" };  // one label each, on its longest stretch
      ne.rivers.features.forEach(function (f) {
        var name = RIVERS[f.properties.name];
        if (!name) return;
        delete RIVERS[f.properties.name];
        var part = f.geometry.coordinates.reduce(function (a, b) { return b.length > a.length ? b : a; });
        var c = part[Math.floor(part.length * 0.7)];
        var label = document.createElement("span");
        label.className = "civharm-river-name";
        label.textContent = name;
        L.marker([c[1], c[0]], { icon: L.divIcon({ className: "civharm-place-label", html: label, iconSize: null, iconAnchor: [-6, -6] }),
                                 interactive: false, keyboard: false, zIndexOffset: -1500 }).addTo(m);
      });
      var view = m.getBounds().pad(1);
      countries.features.forEach(function (f) {  // country names, for the countries around the incidents
        var centre = L.geoJSON(f).getBounds().getCenter();
        if (!f.properties || !f.properties.name || !view.contains(centre)) return;
        var label = document.createElement("span");
        label.className = "civharm-country";
        label.textContent = f.properties.name;
        L.marker(centre, { icon: L.divIcon({ className: "civharm-place-label", html: label, iconSize: null }),
                           interactive: false, keyboard: false, zIndexOffset: -2000 }).addTo(m);
      });
    }
    // The outlines come with the page as a script (window.CIVHARM_WORLD), which works from disk too;
    // the JSON is fetched only if that script is missing.
    if (window.CIVHARM_WORLD) return Promise.resolve(outlines(window.CIVHARM_WORLD));
    return fetch(cfg.world).then(function (r) { return r.json(); }).then(outlines);
  }

  // The incident index: sort by a column heading, filter by campaign, grade, month, source, text.
  // Rows keep their values in data-* attributes (escaped by the build); nothing here writes HTML.
  function incidentIndex(root) {
    var tbody = root.querySelector("tbody");
    var rows = Array.prototype.slice.call(tbody.rows);
    var count = root.querySelector(".civharm-count");
    var controls = root.querySelectorAll("[data-filter]");
    function apply() {
      var want = {};
      controls.forEach(function (c) { want[c.getAttribute("data-filter")] = c.type === "checkbox" ? c.checked : c.value; });
      var words = (want.text || "").toLowerCase().trim();
      var shown = 0;
      rows.forEach(function (r) {
        var d = r.dataset;
        var ok = (!want.campaign || d.campaign === want.campaign) && (!want.grade || d.grade === want.grade) &&
                 (!want.month || d.month === want.month) &&
                 (!want.sources || d.sources.indexOf("|" + want.sources + "|") >= 0) &&
                 (want.tombstones || d.status === "active") &&
                 (!words || r.textContent.toLowerCase().indexOf(words) >= 0);
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " of " + rows.length + " incidents";
    }
    controls.forEach(function (c) { c.addEventListener(c.type === "search" ? "input" : "change", apply); });
    root.querySelectorAll("th[data-sortable]").forEach(function (th, col) {
      var kind = th.getAttribute("data-sortable");
      if (!kind) return;
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      th.title = "Sort by this column";
      function sort() {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        root.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        function key(r) {
          var cell = r.cells[th.cellIndex];
          var v = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
          return kind === "number" ? (v === "" ? -1 : Number(v)) : v;
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x < y) return -dir;
          if (x > y) return dir;
          return a.dataset.id < b.dataset.id ? -1 : 1;  // ties in ID order
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
    apply();
    root.setAttribute("data-ready", "true");
  }

  // Opened from disk (file://), a link to a folder ("incidents/") shows the folder, not its page:
  // such links are sent to the folder's index.html instead, and a note says how to serve the site.
  function fromDisk() {
    if (location.protocol !== "file:") return;
    document.documentElement.classList.add("civharm-file");
    document.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a[href]") : null;
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey) return;
      var u = new URL(a.href, location.href);
      if (u.protocol === "file:" && u.pathname.slice(-1) === "/") {
        e.preventDefault();
        u.pathname += "index.html";
        location.href = u.href;
      }
    }, true);
    var note = document.createElement("div");
    note.className = "civharm-disk-note";
    note.setAttribute("role", "note");
    note.textContent = "You opened this site from disk. Pages, search, the pictures and the map work; the SQL page " +
      "needs the site served: run  make serve  in the repository, or  python -m http.server -d site  beside the " +
      "site folder, and open http://127.0.0.1:8000/.";
    var main = document.querySelector(".md-content__inner") || document.body;
    main.insertBefore(note, main.firstChild);
  }

  var DRAW = { timeline: timeline, official: official };

  function drawAll() {
    fromDisk();
    document.querySelectorAll(".civharm-index").forEach(incidentIndex);
    document.querySelectorAll(".civharm-chart[data-chart]").forEach(function (el) {
      DRAW[el.getAttribute("data-chart")](el);
      el.setAttribute("data-drawn", "true");
    });
    document.querySelectorAll(".civharm-map").forEach(function (el) {
      Promise.resolve(map(el)).then(function () { el.setAttribute("data-drawn", "true"); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
