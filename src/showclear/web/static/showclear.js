// showclear on set: the little the pages need beyond HTML. No build step, no network.
// - choices: big toggle buttons writing into a hidden input (Tab to each, Space/Enter to press)
// - required choices checked before a form is sent; no double submit from a gloved double tap
// - the board refreshes itself; times stay in the production's zone (the device's as a title)
// - QR labels read with the camera where the browser has BarcodeDetector (typed entry always works)
// - an entry's inclusion proof checked in the browser (RFC 9162 §2.1.3.2, SHA-256 by WebCrypto)
"use strict";

(function () {
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // -- times -----------------------------------------------------------------------------
  // The server writes each time in the production's zone with its abbreviation (14:05 PST):
  // the clock on set, whatever zone the device is in. The device's own reading is the title.
  function localTimes(root) {
    $$("time[datetime]", root).forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) { return; }
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
      keepForm(form);
      setTimeout(function () { delete form.dataset.busy; }, 8000);
    }
  });

  // -- a refused form keeps what was typed ---------------------------------------------------
  // What a form sent is kept in this tab (never a PIN or password) until its page shows
  // "Recorded"; after a refusal or a problem, going Back finds the form filled in again.
  var KEPT = "showclear-form:";
  var KEEP_FOR = 15 * 60 * 1000;

  function formKey(form) {
    var action = form.getAttribute("action") || "";
    var same = $$("form").filter(function (f) { return (f.getAttribute("action") || "") === action; });
    return KEPT + location.pathname + "|" + action + "|" + same.indexOf(form);
  }

  function keepable(el) {
    return el.name && !el.disabled && ["password", "file", "submit", "button", "reset", "image"].indexOf(el.type) < 0 &&
      (el.type !== "hidden" || el.closest("[data-choice]"));
  }

  function keepForm(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el, i) {
      if (!keepable(el)) { return; }
      var checkable = el.type === "checkbox" || el.type === "radio";
      fields.push({ i: i, name: el.name, value: el.value, checked: checkable ? el.checked : null });
    });
    try {
      sessionStorage.setItem(formKey(form), JSON.stringify({ at: Date.now(), fields: fields }));
    } catch (e) { /* storage full or refused: the form simply starts empty */ }
  }

  function restoreForms() {
    var keys = [];
    for (var k = 0; k < sessionStorage.length; k++) {
      if (sessionStorage.key(k).indexOf(KEPT) === 0) { keys.push(sessionStorage.key(k)); }
    }
    if ($(".flash")) {  // recorded: what was typed is in the ledger now
      keys.forEach(function (key) { sessionStorage.removeItem(key); });
      return;
    }
    $$("form").forEach(function (form) {
      var key = formKey(form), kept = null;
      try { kept = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
      if (!kept) { return; }
      sessionStorage.removeItem(key);
      if (Date.now() - kept.at > KEEP_FOR) { return; }
      matchRows(form, kept.fields);
      kept.fields.forEach(function (f) {
        var el = form.elements[f.i];
        if (!el || el.name !== f.name || !keepable(el)) { return; }
        if (f.checked !== null) { el.checked = f.checked; return; }
        var group = el.type === "hidden" && el.closest("[data-choice]");
        if (group) {
          var button = $$(".opt", group).filter(function (b) { return b.getAttribute("data-value") === f.value; })[0];
          if (button) { choose(group, button); }
          return;
        }
        el.value = f.value;
      });
      var note = document.createElement("p");
      note.className = "kept-note";
      note.setAttribute("role", "status");
      note.textContent = "Filled in again with what you typed before: check it, then send it again.";
      form.insertBefore(note, form.firstChild);
    });
  }

  // -- tables of rows: the call sheet, the meeting's visitors ---------------------------------
  // A row is added from its <template> (ids made unique) and removed with its own button;
  // a kept form gets back as many rows as it had when it was sent.
  var added = 0;

  function addRow(template) {
    var into = document.getElementById(template.getAttribute("data-into"));
    var n = "new" + (++added);
    var fragment = template.content.cloneNode(true);
    $$("[id], [for]", fragment).forEach(function (el) {
      ["id", "for"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value) { el.setAttribute(name, value.replace("__N__", n)); }
      });
    });
    var row = fragment.firstElementChild;
    into.appendChild(fragment);
    return row;
  }

  function removeRow(row) {
    var into = row.parentNode;
    var rows = $$("[data-row]", into);
    var next = rows[rows.indexOf(row) + 1] || rows[rows.indexOf(row) - 1];
    if (rows.length > 1) {
      row.remove();
    } else {
      $$("input, select", row).forEach(function (el) { el.value = ""; });
      next = row;
    }
    var focus = next && $("input, select", next);
    if (focus) { focus.focus(); }
  }

  function matchRows(form, fields) {
    $$("[data-rows]", form).forEach(function (into) {
      var key = into.getAttribute("data-rows");
      var template = document.getElementById(into.getAttribute("data-template"));
      var wanted = fields.filter(function (f) { return f.name === key; }).length;
      var have = $$("[name='" + key + "']", form).length;
      for (; template && have < wanted; have++) { addRow(template); }
      for (; have > wanted && $$("[data-row]", into).length > 1; have--) {
        var rows = $$("[data-row]", into);
        rows[rows.length - 1].remove();
      }
    });
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var row = addRow(document.getElementById(add.getAttribute("data-add-row")));
      var first = row && $("input, select", row);
      if (first) { first.focus(); }
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) { removeRow(remove.closest("[data-row]")); }
  });

  // -- the meeting: everyone on the call sheet at once; a PIN typed ticks its person -----------
  function tickAllState(toggle) {
    var boxes = $$("input[type=checkbox]", document.getElementById(toggle.getAttribute("data-tick-all")));
    var all = boxes.length > 0 && boxes.every(function (b) { return b.checked; });
    toggle.setAttribute("aria-pressed", all ? "true" : "false");
    return { boxes: boxes, all: all };
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-tick-all]");
    if (!toggle) { return; }
    var state = tickAllState(toggle);
    state.boxes.forEach(function (b) { b.checked = !state.all; });
    tickAllState(toggle);
  });

  document.addEventListener("change", function () {
    $$("[data-tick-all]").forEach(tickAllState);
  });

  document.addEventListener("input", function (event) {
    var id = event.target.getAttribute && event.target.getAttribute("data-ticks");
    var box = id && document.getElementById(id);
    if (box && event.target.value) {
      box.checked = true;
      $$("[data-tick-all]").forEach(tickAllState);
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
    restoreForms();
    $$("[data-tick-all]").forEach(tickAllState);
    localTimes(document);
    pinFor("performer-choice", "performer-pin", "Performer");
    pinFor("receiver-choice", "receiver-pin", "Receiver");
    var live = $("[data-refresh]");
    if (live) { refresh(live); }
    setUpScanning();
    var check = $("#check-proof");
    if (check) { check.addEventListener("click", function () { checkProof($("#proof"), $("#proof-result")); }); }
  });

  // -- passkeys: confirm on one's own phone (ID-OWN) -------------------------------------------
  // base64url <-> ArrayBuffer, as WebAuthn's options and answers travel in JSON.
  function b64bytes(s) {
    var b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
    return Uint8Array.from(b, function (c) { return c.charCodeAt(0); }).buffer;
  }
  function b64text(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The person's passkey signs the options' challenge; the answer as the API takes it.
  function assert(o) {
    var allow = (o.allowCredentials || []).map(function (c) { return Object.assign({}, c, { id: b64bytes(c.id) }); });
    return navigator.credentials.get({ publicKey: Object.assign({}, o, { challenge: b64bytes(o.challenge), allowCredentials: allow }) })
      .then(function (got) {
        if (!got) { throw new Error("no passkey answered"); }
        return {
          id: got.id, rawId: b64text(got.rawId), type: got.type,
          response: {
            authenticatorData: b64text(got.response.authenticatorData),
            clientDataJSON: b64text(got.response.clientDataJSON),
            signature: b64text(got.response.signature),
            userHandle: got.response.userHandle ? b64text(got.response.userHandle) : null
          },
          clientExtensionResults: got.getClientExtensionResults(),
          authenticatorAttachment: got.authenticatorAttachment
        };
      });
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body)
    });
  }

  // The API's problem (detail), or the page's own words, as a sentence.
  function whyNot(response) {
    return response.text().then(function (text) {
      try { var p = JSON.parse(text); return p.detail || p.title || text; } catch (e) { /* a page */ }
      var doc = new DOMParser().parseFromString(text, "text/html");
      var main = $("main", doc);
      return (main ? main.textContent : text).replace(/\s+/g, " ").trim();
    });
  }

  function sayProblem(el, message) {
    if (!el) { return; }
    el.textContent = message;
    el.hidden = false;
  }

  // On the tablet: propose the form's command, sign it with one's own passkey, then wait.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-phone-confirm]");
    if (!button) { return; }
    var form = button.form;
    var near = button.closest(".phone-confirm");
    var problem = (near && $(".problem", near)) || $("#phone-confirm-error");
    if (form && !choicesAnswered(form)) { return; }
    // A form whose own fields must be filled (the setup's) says which one is missing.
    if (form && button.hasAttribute("data-check-fields") && !form.reportValidity()) { return; }
    if (button.dataset.busy) { return; }
    button.dataset.busy = "1";
    var body = new URLSearchParams(new FormData(form));
    fetch(button.getAttribute("data-phone-confirm"), {
      method: "POST", credentials: "same-origin", body: body, headers: { Accept: "application/json" }
    }).then(function (r) {
      if (!r.ok) { return whyNot(r).then(function (m) { throw new Error(m); }); }
      return r.json();
    }).then(function (o) {
      return assert(o.publicKey).then(function (credential) {
        return postJSON(button.getAttribute("data-sign") + o.pending, { person: o.person, credential: credential });
      }).then(function (r) {
        if (!r.ok && r.status !== 409) { return whyNot(r).then(function (m) { throw new Error(m); }); }
        window.location.assign(o.wait);
      });
    }).catch(function (e) {
      delete button.dataset.busy;
      sayProblem(problem, "Not sent: " + e.message);
    });
  });

  // The tablet waits for the phone: it polls, then shows what was recorded or refused.
  function waitForPhone(el) {
    var url = el.getAttribute("data-pending-status");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.state === "recorded" || s.state === "refused") {
            window.location.assign(el.getAttribute("data-pending-done"));
            return;
          }
          if (s.state === "gone") {
            el.textContent = "Nothing recorded: " + s.detail;
            return;
          }
          el.textContent = "Waiting for " + s.waiting.join(", ") + "…";
          setTimeout(tick, 1500);
        })
        .catch(function () {
          el.textContent = "NOT updating: check the connection";
          setTimeout(tick, 3000);
        });
    }
    setTimeout(tick, 1000);
  }

  // On the phone: the person's own challenge, their passkey, their signature.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-sign-as]");
    if (!button || button.dataset.busy) { return; }
    button.dataset.busy = "1";
    var person = button.getAttribute("data-sign-as");
    var problem = $("#passkey-error");
    postJSON(button.getAttribute("data-options"), { person: person })
      .then(function (r) {
        if (!r.ok) { return whyNot(r).then(function (m) { throw new Error(m); }); }
        return r.json();
      })
      .then(function (o) { return assert(o.publicKey); })
      .then(function (credential) { return postJSON(button.getAttribute("data-sign"), { person: person, credential: credential }); })
      .then(function (r) {
        // Recorded, or refused by the rules (409): the page shows which, from the ledger.
        if (!r.ok && r.status !== 409) { return whyNot(r).then(function (m) { throw new Error(m); }); }
        window.location.reload();
      })
      .catch(function (e) {
        delete button.dataset.busy;
        sayProblem(problem, "Not confirmed: " + e.message);
      });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var waiting = $("[data-pending-status]");
    if (waiting) { waitForPhone(waiting); }
  });
})();
