/* 绩效评价: let htmx show the refusals it gets (422 bad input, 409 someone saved first),
   which carry the message to show beside the item; htmx 2 swaps nothing on 4xx otherwise. */
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
