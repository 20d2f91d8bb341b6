// Summary and trends pages: the Print button (the page's print stylesheet does the rest).
const printButton = document.getElementById("print-summary");
if (printButton) printButton.addEventListener("click", () => window.print());
