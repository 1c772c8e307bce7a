// Sort and filter long tables; no external scripts. Numbers sort by their data-sort value.
// A grouped table (class ka-grouped) has one <tbody> per group, headed by rows of class ka-group-head:
// sorting sorts within each group and keeps the heads on top; the search hides groups with no match.
(function () {
  var isHead = function (r) { return r.classList.contains("ka-group-head"); };
  document.querySelectorAll("table.ka-sortable").forEach(function (table) {
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (!bodies.length) return;
    var search = document.createElement("input");
    search.type = "search";
    search.className = "ka-table-search";
    search.placeholder = document.documentElement.lang === "id" ? "Cari di tabel…" : "Search table…";
    search.setAttribute("aria-label", search.placeholder);
    table.parentNode.parentNode.insertBefore(search, table.parentNode);
    search.addEventListener("input", function () {
      var q = search.value.toLowerCase();
      bodies.forEach(function (tbody) {
        var rows = Array.prototype.slice.call(tbody.rows);
        var heads = rows.filter(isHead);
        var headHit = heads.some(function (h) { return h.textContent.toLowerCase().indexOf(q) !== -1; });
        var any = false;
        rows.forEach(function (r) {
          if (isHead(r)) return;
          var hit = headHit || r.textContent.toLowerCase().indexOf(q) !== -1;
          r.style.display = hit ? "" : "none";
          any = any || hit;
        });
        heads.forEach(function (h) { h.style.display = any ? "" : "none"; });
      });
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      var sort = function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        bodies.forEach(function (tbody) {
          var rows = Array.prototype.slice.call(tbody.rows).filter(function (r) { return !isHead(r); });
          rows.sort(function (a, b) {
            var ca = a.cells[col], cb = b.cells[col];
            var va = ca.getAttribute("data-sort"), vb = cb.getAttribute("data-sort");
            var r;
            if (va !== null && vb !== null) { r = parseFloat(va) - parseFloat(vb); }
            else if (va !== null) { r = -1; } else if (vb !== null) { r = 1; }
            else { r = ca.textContent.localeCompare(cb.textContent); }
            return asc ? r : -r;
          });
          rows.forEach(function (r) { tbody.appendChild(r); });
        });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });
})();

// A visible cue above every table that is wider than the screen: it scrolls sideways, nothing is cut off.
(function () {
  var text = document.documentElement.lang === "id"
    ? "\u21c6 Tabel ini lebih lebar dari layar: geser ke samping untuk melihat semua kolom."
    : "\u21c6 This table is wider than the screen: scroll sideways to see every column.";
  var check = function () {
    document.querySelectorAll(".ka-table-wrap").forEach(function (w) {
      var cue = w.previousElementSibling;
      var has = cue && cue.classList.contains("ka-scroll-cue");
      var wide = w.scrollWidth > w.clientWidth + 1;
      if (wide && !has) {
        cue = document.createElement("p");
        cue.className = "ka-scroll-cue";
        cue.textContent = text;
        w.parentNode.insertBefore(cue, w);
      } else if (!wide && has) {
        cue.parentNode.removeChild(cue);
      }
    });
  };
  check();
  window.addEventListener("resize", check);
})();

