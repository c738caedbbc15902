/* Sortable data tables (self-hosted tablesort), wired as the mkdocs-material docs show, so tables on
   pages reached by instant navigation become sortable too. */
document$.subscribe(function () {
  var tables = document.querySelectorAll("article table:not([class])");
  tables.forEach(function (table) {
    new Tablesort(table);
  });
});
