// Sort and filter long tables; no external scripts. Numbers sort by their data-sort value.
(function () {
  document.querySelectorAll("table.ka-sortable").forEach(function (table) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var search = document.createElement("input");
    search.type = "search";
    search.className = "ka-table-search";
    search.placeholder = document.documentElement.lang === "id" ? "Cari di tabel…" : "Search table…";
    search.setAttribute("aria-label", search.placeholder);
    table.parentNode.insertBefore(search, table);
    search.addEventListener("input", function () {
      var q = search.value.toLowerCase();
      Array.prototype.forEach.call(tbody.rows, function (r) {
        r.style.display = r.textContent.toLowerCase().indexOf(q) === -1 ? "none" : "";
      });
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      var sort = function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(tbody.rows);
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
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });
})();
