// The /verify page (facilitator/receipts): a receipt's QR code opens /verify#SWR1..., and the code
// comes in the link's fragment, which the browser never sends to the server (nor to its logs). It is
// put in the form for the person to check with one press; after a check, the result is read first.

const result = document.getElementById("result-heading");
const code = document.getElementById("code");
if (result) {
  result.focus();
} else if (code && window.location.hash.startsWith("#SWR1.")) {
  code.value = decodeURIComponent(window.location.hash.slice(1));
  window.history.replaceState(null, "", window.location.pathname);
  document.getElementById("verify-button")?.focus();
}
