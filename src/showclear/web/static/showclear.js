// showclear on set: the little the pages need beyond HTML. No build step, no network.
// - choices: big toggle buttons writing into a hidden input (Tab to each, Space/Enter to press)
// - required choices checked before a form is sent; no double submit from a gloved double tap
// - the board refreshes itself; times shown in the device's own time zone
// - QR labels read with the camera where the browser has BarcodeDetector (typed entry always works)
// - an entry's inclusion proof checked in the browser (RFC 9162 §2.1.3.2, SHA-256 by WebCrypto)
"use strict";

(function () {
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // -- times -----------------------------------------------------------------------------
  function localTimes(root) {
    $$("time[datetime]", root).forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) { return; }
      el.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      el.title = d.toString();
    });
  }

  // -- choices -----------------------------------------------------------------------------
  function choose(group, button) {
    var input = $("input[type=hidden]", group);
    input.value = button.getAttribute("data-value");
    $$(".opt", group).forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    group.classList.remove("invalid");
    var error = $(".choice-error", group);
    if (error) { error.hidden = true; }
    group.dispatchEvent(new CustomEvent("choice", { bubbles: true, detail: input.value }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-choice] .opt");
    if (button) { choose(button.closest("[data-choice]"), button); }
  });

  // The PIN that confirms belongs to the person chosen: say whose it is.
  function pinFor(groupId, pinId, noun) {
    var group = document.getElementById(groupId);
    var pin = document.getElementById(pinId);
    if (!group || !pin) { return; }
    var label = $("label[for=" + pinId + "]");
    var wrapper = pin.closest("[data-needs-person]");
    function update(value) {
      var nobody = value === "-";
      if (wrapper) { wrapper.hidden = nobody; }
      pin.required = !nobody;
      if (nobody) { pin.value = ""; }
      label.textContent = value && !nobody ? value + "'s PIN" : noun + "'s PIN";
    }
    group.addEventListener("choice", function (e) { update(e.detail); });
    update($("input[type=hidden]", group).value);
  }

  // -- forms -------------------------------------------------------------------------------
  // Required choices are checked when the form's button is used (Enter in a field uses it
  // too), before the browser checks the fields: the first unanswered choice gets the focus.
  function choicesAnswered(form) {
    var missing = $$(".choice.required", form).filter(function (g) {
      return !$("input[type=hidden]", g).value;
    });
    missing.forEach(function (g) {
      g.classList.add("invalid");
      var error = $(".choice-error", g);
      if (error) { error.hidden = false; }
    });
    if (missing.length) { $(".opt", missing[0]).focus(); }
    return !missing.length;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=submit]");
    if (button && button.form && button.form.hasAttribute("data-validate") && !choicesAnswered(button.form)) {
      event.preventDefault();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-validate") && !choicesAnswered(form)) {
      event.preventDefault();
      return;
    }
    if ((form.getAttribute("method") || "get").toLowerCase() === "post") {
      if (form.dataset.busy) { event.preventDefault(); return; }
      form.dataset.busy = "1";
      setTimeout(function () { delete form.dataset.busy; }, 8000);
    }
  });

  // -- signing in ------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var pick = event.target.closest(".person-pick");
    if (!pick) { return; }
    $("#person").value = pick.getAttribute("data-person");
    $$(".person-pick").forEach(function (b) { b.setAttribute("aria-pressed", b === pick ? "true" : "false"); });
    $("#pin").focus();
  });

  // -- the board refreshes itself ------------------------------------------------------------
  function refresh(live) {
    var every = 1000 * parseInt(live.getAttribute("data-every") || "10", 10);
    var url = live.getAttribute("data-refresh");
    function tick() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) {
          if (r.redirected || !r.ok) { throw new Error("not signed in"); }
          return r.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          ["#banner", "#live"].forEach(function (id) {
            var fresh = $(id, doc), old = $(id);
            if (fresh && old && fresh.innerHTML !== old.innerHTML) { old.innerHTML = fresh.innerHTML; }
          });
          localTimes(document);
          var stamp = $("[data-updated]");
          if (stamp) { stamp.textContent = "updated " + new Date().toLocaleTimeString(); }
        })
        .catch(function () {
          var stamp = $("[data-updated]");
          if (stamp) { stamp.textContent = "NOT updating: check the connection or sign in again"; }
        });
    }
    setInterval(tick, every);
    document.addEventListener("visibilitychange", tick);
  }

  // -- QR labels with the camera --------------------------------------------------------------
  function canScan() {
    return "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  }

  function scanInto(container) {
    var input = $("input[type=text]", container);
    var overlay = document.createElement("div");
    overlay.className = "scan-overlay";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "Scan a QR label");
    overlay.innerHTML = '<p>Hold the label in the frame.</p><video playsinline muted></video>' +
      '<button type="button" class="btn big light">Cancel: type it instead</button>';
    document.body.appendChild(overlay);
    var video = $("video", overlay), stream = null, done = false;
    function close() {
      done = true;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      overlay.remove();
      input.focus();
    }
    $("button", overlay).addEventListener("click", close);
    $("button", overlay).focus();
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      return video.play();
    }).then(function loop() {
      if (done) { return; }
      return detector.detect(video).then(function (codes) {
        if (codes.length && !done) {
          input.value = codes[0].rawValue;
          close();
          if (container.tagName === "FORM") { container.requestSubmit(); }
          return;
        }
        setTimeout(loop, 200);
      });
    }).catch(function () {
      close();
      input.placeholder = "Camera not available: type the id";
    });
  }

  function setUpScanning() {
    if (!canScan()) { return; }
    Promise.resolve(window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : ["qr_code"])
      .then(function (formats) {
        if (formats.indexOf("qr_code") < 0) { return; }
        $$(".scan-camera").forEach(function (button) {
          button.hidden = false;
          button.addEventListener("click", function () { scanInto(button.closest("[data-scan-kind]")); });
        });
      })
      .catch(function () { /* typed entry stays */ });
  }

  // -- an entry's inclusion proof, checked here -----------------------------------------------
  function bytes(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); }
    return out;
  }
  function concat(prefix, a, b) {
    var out = new Uint8Array(1 + a.length + (b ? b.length : 0));
    out[0] = prefix; out.set(a, 1);
    if (b) { out.set(b, 1 + a.length); }
    return out;
  }
  function sha256(data) {
    return crypto.subtle.digest("SHA-256", data).then(function (d) { return new Uint8Array(d); });
  }
  function equal(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  function checkProof(section, result) {
    var lines = section.getAttribute("data-checkpoint").split("\n");
    var size = parseInt(lines[1], 10), root = bytes(lines[2]);
    var index = parseInt(section.getAttribute("data-index"), 10);
    var path = JSON.parse(section.getAttribute("data-path")).map(bytes);
    function say(ok, text) { result.className = ok ? "ok" : "bad"; result.textContent = text; }
    if (!(window.crypto && crypto.subtle)) { say(false, "This browser cannot hash here (it needs HTTPS)."); return; }
    if (index >= size) { say(false, "Not proven: the index is past the checkpoint's size."); return; }
    // RFC 9162 §2.1.3.2, steps numbered as in the RFC.
    var fn = index, sn = size - 1;                                          // 2
    sha256(concat(0, bytes(section.getAttribute("data-leaf")))).then(function (leaf) {
      var r = Promise.resolve(leaf);                                        // 3
      path.forEach(function (p) {                                           // 4
        r = r.then(function (h) {
          if (sn === 0) { throw new Error("the path is too long"); }        // 4a
          var next;
          if (fn % 2 === 1 || fn === sn) {                                  // 4b
            next = sha256(concat(1, p, h));
            if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
          } else {                                                          // 4c
            next = sha256(concat(1, h, p));
          }
          fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
          return next;
        });
      });
      return r;
    }).then(function (computed) {
      if (sn === 0 && equal(computed, root)) {                              // 5
        say(true, "✔ Proven: this entry is in the ledger whose root the checkpoint signs (size " + size + ").");
      } else {
        say(false, "✘ Not proven: the path does not lead to the checkpoint's root.");
      }
    }).catch(function (e) { say(false, "✘ Not proven: " + e.message + "."); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    var current = $(".main-nav .current");
    if (current && current.scrollIntoView) { current.scrollIntoView({ block: "nearest", inline: "center" }); }
    pinFor("performer-choice", "performer-pin", "Performer");
    pinFor("receiver-choice", "receiver-pin", "Receiver");
    var live = $("[data-refresh]");
    if (live) { refresh(live); }
    setUpScanning();
    var check = $("#check-proof");
    if (check) { check.addEventListener("click", function () { checkProof($("#proof"), $("#proof-result")); }); }
  });
})();
