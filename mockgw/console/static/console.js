// mockgw console: conveniences only. Every page works without this file.
// Copy buttons, confirmations before actions, the live request log, the Test panel.
"use strict";

(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyByCommand(text); });
    }
    return copyByCommand(text);
  }

  function copyByCommand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  function showScriptOnly(root) {
    root.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) { return; }
    copyText(button.getAttribute("data-copy")).then(function () {
      button.textContent = "Copied";
      button.classList.add("done");
      setTimeout(function () { button.textContent = "Copy"; button.classList.remove("done"); }, 1500);
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // The live request log and metrics of a stage: refreshed every few seconds while the
  // page is visible.
  function startLive(box) {
    var url = box.getAttribute("data-live");
    var busy = false;
    var state = function () { return box.querySelector(".live-state"); };
    function refresh() {
      if (busy || document.hidden) { return; }
      busy = true;
      fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
        .then(function (answer) {
          if (!answer.ok) { throw new Error("HTTP " + answer.status); }
          return answer.text();
        })
        .then(function (html) {
          box.innerHTML = html;  // our own server-rendered, escaped fragment
          showScriptOnly(box);
          var label = state();
          if (label) { label.textContent = "live · updated " + new Date().toLocaleTimeString(); }
        })
        .catch(function (error) {
          var label = state();
          if (label) { label.textContent = "live updates paused: " + error.message; }
        })
        .finally(function () { busy = false; });
    }
    var label = state();
    if (label) { label.textContent = "live"; }
    setInterval(refresh, 2500);
    document.addEventListener("visibilitychange", refresh);
  }

  // The Test panel: TestInvokeMethod without leaving the page.
  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  function statusClass(code) {
    return code >= 500 ? "s-server" : code >= 400 ? "s-client" : "s-ok";
  }

  function pretty(body) {
    var text = (body || "").trim();
    if (text.charAt(0) === "{" || text.charAt(0) === "[") {
      try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
    }
    return body;
  }

  function showResult(box, result) {
    box.textContent = "";
    if (result.error) {
      var failed = element("div", "notice error", result.error);
      failed.setAttribute("role", "alert");
      box.appendChild(failed);
      return;
    }
    var wrap = element("div", "result");
    var line = element("p", "result-line");
    line.appendChild(document.createTextNode("Status "));
    line.appendChild(element("span", "status " + statusClass(result.status), String(result.status)));
    line.appendChild(document.createTextNode(" · Latency "));
    line.appendChild(element("strong", "", result.latency + " ms"));
    wrap.appendChild(line);
    wrap.appendChild(element("h3", "", "Response body"));
    wrap.appendChild(result.body ? element("pre", "code", pretty(result.body))
                                 : element("p", "muted", "(empty)"));
    wrap.appendChild(element("h3", "", "Response headers"));
    var table = element("table", "kv");
    var body = element("tbody");
    Object.keys(result.headers).sort().forEach(function (name) {
      var row = element("tr");
      var key = element("td"); key.appendChild(element("code", "", name));
      var value = element("td"); value.appendChild(element("code", "", result.headers[name].join(", ")));
      row.appendChild(key); row.appendChild(value); body.appendChild(row);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    wrap.appendChild(element("h3", "", "Execution log"));
    wrap.appendChild(element("pre", "code log", result.log));
    box.appendChild(wrap);
  }

  function startTestPanel(form) {
    var box = document.getElementById("test-result");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      box.classList.add("busy");
      fetch(form.action, {
        method: "POST", body: new URLSearchParams(new FormData(form)),
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      })
        .then(function (answer) {
          if (!answer.ok) { throw new Error("HTTP " + answer.status); }
          return answer.json();
        })
        .then(function (result) { showResult(box, result); })
        .catch(function (error) { showResult(box, { error: "The test did not run: " + error.message }); })
        .finally(function () { box.classList.remove("busy"); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showScriptOnly(document);
    document.querySelectorAll("[data-live]").forEach(startLive);
    var form = document.getElementById("test-form");
    if (form) { startTestPanel(form); }
  });
})();
