/* The SQL page: DuckDB-WASM (window.duckdb, vendored: assets/vendor/duckdb-wasm/) runs the reader's
 * query in a worker over the package's Parquet files, fetched from this site only.
 *
 * Every value reaches the page as text (textContent), never as HTML. The CSV download holds every
 * row; the table shows the first MAX_ROWS. The state is kept on the element (el.civharm) for the
 * browser test: status "ready", then after a run {columns, rows} as the strings shown.
 */
(function () {
  "use strict";

  var MAX_ROWS = 1000;
  var LONG_TEXT = 40;  // characters: a cell longer than this gets a column wide enough to read it

  function json(el, name) {
    return JSON.parse(el.getAttribute("data-" + name));
  }

  function abs(href) {
    return new URL(href, location.href).href;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // A value as DuckDB's own shell would print it: dates as YYYY-MM-DD, NULL as an empty cell.
  function show(value, type) {
    if (value === null || value === undefined) return null;
    var id = type && type.typeId;
    var T = window.Arrow.Type;
    if (id === T.Date || id === T.Timestamp) {
      var d = new Date(Number(value));
      var day = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
      if (id === T.Date) return day;
      return day + " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    }
    if (typeof value === "bigint") return value.toString();
    if (value && typeof value === "object" && typeof value.toJSON === "function") return JSON.stringify(value.toJSON());
    if (typeof value === "object") return JSON.stringify(value, function (k, v) { return typeof v === "bigint" ? v.toString() : v; });
    return String(value);
  }

  function csvCell(v) {
    if (v === null) return "";
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  function start(el) {
    var cfg = json(el, "config");
    var examples = json(el, "examples");
    var status = el.querySelector(".civharm-sql-status");
    var area = el.querySelector(".civharm-sql-query");
    var run = el.querySelector(".civharm-sql-run");
    var pick = el.querySelector(".civharm-sql-examples");
    var csv = el.querySelector(".civharm-sql-csv");
    var out = el.querySelector(".civharm-sql-result");
    var state = el.civharm = { status: "starting" };

    function say(text, cls) {
      status.textContent = text;
      status.className = "civharm-sql-status" + (cls ? " " + cls : "");
    }

    if (examples.length) area.value = examples[0].sql;
    pick.addEventListener("change", function () { area.value = examples[Number(pick.value)].sql; });

    if (location.protocol === "file:") {
      state.status = "unavailable";
      say("This page was opened from disk (file://), where the browser does not let it start DuckDB's worker. " +
          "Serve the site and open it from there: in the repository run  make serve  (http://127.0.0.1:8000/sql/), " +
          "or  python -m http.server -d site  and open http://127.0.0.1:8000/sql/. The queries and their results " +
          "are also on the Querying page.", "civharm-sql-error");
      run.disabled = true;
      return;
    }
    if (!window.duckdb || !window.Arrow || typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
      state.status = "unavailable";
      say("This browser cannot run DuckDB-WASM here (no WebAssembly or Web Workers). The queries and their " +
          "results are on the Querying page.", "civharm-sql-error");
      return;
    }

    var db, conn;
    function render(table) {
      var fields = table.schema.fields;
      var columns = fields.map(function (f) { return f.name; });
      var rows = [];
      for (var i = 0; i < table.numRows; i++) {
        var row = table.get(i);
        rows.push(fields.map(function (f) { return show(row[f.name], f.type); }));
      }
      state.columns = columns;
      state.rows = rows;
      out.textContent = "";
      var p = document.createElement("p");
      p.textContent = rows.length + " row(s)" + (rows.length > MAX_ROWS ? ", the first " + MAX_ROWS + " shown" : "") +
        ", " + columns.length + " column(s).";
      out.appendChild(p);
      var t = document.createElement("table");
      var head = t.createTHead().insertRow();
      columns.forEach(function (c) { var th = document.createElement("th"); th.textContent = c; head.appendChild(th); });
      var body = t.createTBody();
      rows.slice(0, MAX_ROWS).forEach(function (r) {
        var tr = body.insertRow();
        r.forEach(function (v) {
          var td = tr.insertCell();
          if (v === null) { td.textContent = "NULL"; td.className = "civharm-null"; } else { td.textContent = v; }
          if (v !== null && String(v).length > LONG_TEXT) {
            // wraps at a readable width, wider for a longer text: about 15 lines at most up to 40rem
            td.className = "civharm-sql-long";
            td.style.minWidth = Math.min(40, Math.max(18, Math.round(String(v).length / 50))) + "rem";
          }
        });
      });
      var wrap = document.createElement("div");
      wrap.className = "civharm-sql-table";
      wrap.appendChild(t);
      out.appendChild(wrap);
      // A result wider than the page scrolls sideways inside its box; say so, so no column is missed.
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        p.textContent += " The table is wider than the page: scroll it sideways to see every column.";
      }
      var text = [columns.map(csvCell).join(",")].concat(rows.map(function (r) { return r.map(csvCell).join(","); })).join("\r\n") + "\r\n";
      if (csv.href) URL.revokeObjectURL(csv.href);
      csv.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
      csv.hidden = false;
    }

    function go() {
      if (!conn || run.disabled) return;
      run.disabled = true;
      state.status = "running";
      say("Running…");
      var t0 = performance.now();
      conn.query(area.value).then(function (table) {
        render(table);
        state.status = "done";
        say("Done in " + Math.round(performance.now() - t0) + " ms (DuckDB-WASM " + cfg.duckdb_wasm + ", civharm " + cfg.version + ").");
      }, function (e) {
        state.status = "error";
        state.error = String(e && e.message || e);
        out.textContent = "";
        csv.hidden = true;
        say("The query failed: " + state.error, "civharm-sql-error");
      }).then(function () { run.disabled = false; });
    }
    run.addEventListener("click", go);
    area.addEventListener("keydown", function (e) { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); go(); } });

    var worker;
    try {
      worker = new Worker(abs(cfg.worker));
    } catch (e) {
      state.status = "unavailable";
      say("This browser would not start DuckDB's worker (" + e.message + "). Serve the site with  make serve  " +
          "and open it from http://127.0.0.1:8000/.", "civharm-sql-error");
      return;
    }
    db = new window.duckdb.AsyncDuckDB(new window.duckdb.VoidLogger(), worker);
    db.instantiate(abs(cfg.wasm)).then(function () {
      return Promise.all(cfg.files.map(function (f) {
        return fetch(abs(f.href)).then(function (r) {
          if (!r.ok) throw new Error(f.name + ": HTTP " + r.status);
          return r.arrayBuffer();
        }).then(function (buf) { return db.registerFileBuffer(f.name, new Uint8Array(buf)); });
      }));
    }).then(function () {
      return db.connect();
    }).then(function (c) {
      conn = c;
      // Extensions would be fetched from another host: the page uses what is built in, or fails clearly.
      return conn.query("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;");
    }).then(function () {
      return conn.query(json(el, "setup"));
    }).then(function () {
      state.status = "ready";
      run.disabled = false;
      say("Ready: the civharm " + cfg.version + " tables and views are loaded in this page (DuckDB-WASM " +
          cfg.duckdb_wasm + "). Pick an example or write a query, then Run.");
    }).catch(function (e) {
      state.status = "error";
      state.error = String(e && e.message || e);
      say("DuckDB could not start in this page: " + state.error, "civharm-sql-error");
    });
  }

  function all() { document.querySelectorAll(".civharm-sql").forEach(start); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all); else all();
})();
