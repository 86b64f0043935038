// The recommendation pages: live character counts, GIs and approvals added and removed in
// place, autosave with a local copy, and deadline countdowns. Every page works without it:
// the buttons it takes over post the form, and the server does the same.
(function () {
  "use strict";

  var LOCAL_PREFIX = "dibiao:rec:";

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function cookie(name) {
    var found = document.cookie.split(";").map(function (part) { return part.trim(); })
      .filter(function (part) { return part.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  // After logging in again in another tab the CSRF token changes: use the fresh one.
  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return cookie("csrftoken") || (input ? input.value : "");
  }

  function refreshCsrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    var fresh = cookie("csrftoken");
    if (input && fresh) { input.value = fresh; }
  }

  // --- character counts ------------------------------------------------------------------------

  function countChars(text) {
    // Count characters as a reader does: a surrogate pair is one character.
    return Array.from(text || "").length;
  }

  function setupCounts(root) {
    root.querySelectorAll("[data-count-for]").forEach(function (counter) {
      var field = document.getElementById(counter.getAttribute("data-count-for"));
      if (!field) { return; }
      var update = function () {
        counter.textContent = format(counter.getAttribute("data-count-label"), { count: countChars(field.value) });
      };
      field.addEventListener("input", update);
      update();
    });
  }

  // --- section 二: GIs and approvals -------------------------------------------------------------

  var INDEXED = ["name", "id", "for", "data-errors-for", "aria-describedby", "data-count-for"];

  function reindex(value, gi, ap) {
    value = value.replace(/(geographical_indications[.\-])(\d+|__gi__)/g, "$1" + gi);
    if (ap !== undefined) {
      value = value.replace(/(approvals[.\-])(\d+|__ap__)/g, "$1" + ap);
    }
    return value;
  }

  function reindexElement(element, gi, ap) {
    var nodes = [element].concat(Array.prototype.slice.call(element.querySelectorAll("*")));
    nodes.forEach(function (node) {
      INDEXED.forEach(function (attr) {
        if (node.hasAttribute && node.hasAttribute(attr)) {
          node.setAttribute(attr, reindex(node.getAttribute(attr), gi, ap));
        }
      });
    });
  }

  function renumber(list) {
    list.querySelectorAll("[data-gi]").forEach(function (block, gi) {
      block.setAttribute("data-index", gi);
      reindexElement(block, gi);
      block.querySelectorAll("[data-gi-number]").forEach(function (n) { n.textContent = gi + 1; });
      block.querySelectorAll("[data-remove-gi]").forEach(function (b) { b.value = gi; });
      block.querySelectorAll("[data-add-approval]").forEach(function (b) { b.value = gi; });
      block.querySelectorAll("[data-approval]").forEach(function (row, ap) {
        reindexElement(row, gi, ap);
        row.querySelectorAll("[data-approval-number]").forEach(function (n) { n.textContent = ap + 1; });
        row.querySelectorAll("[data-remove-approval]").forEach(function (b) { b.value = gi + "." + ap; });
      });
    });
  }

  function fromTemplate(id, selector) {
    var template = document.getElementById(id);
    var element = template && template.content.querySelector(selector);
    return element ? element.cloneNode(true) : null;
  }

  function addGi(list) {
    var block = fromTemplate("gi-template", "[data-gi]");
    if (!block) { return null; }
    list.querySelector("[data-gi-items]").appendChild(block);
    renumber(list);
    setupCounts(block);
    return block;
  }

  function addApproval(list, block) {
    var row = fromTemplate("approval-template", "[data-approval]");
    if (!row) { return null; }
    block.querySelector("[data-approval-items]").appendChild(row);
    renumber(list);
    return row;
  }

  function setupGis(form, changed) {
    var list = form.querySelector("[data-gi-list]");
    if (!list) { return null; }
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !list.contains(button)) { return; }
      var block = button.closest("[data-gi]");
      if (button.hasAttribute("data-add-gi")) {
        event.preventDefault();
        var added = addGi(list);
        if (added) { added.querySelector("input, textarea").focus(); }
      } else if (button.hasAttribute("data-remove-gi") && block) {
        event.preventDefault();
        block.remove();
        if (!list.querySelector("[data-gi]")) { addGi(list); }
        renumber(list);
      } else if (button.hasAttribute("data-add-approval") && block) {
        event.preventDefault();
        var row = addApproval(list, block);
        if (row) { row.querySelector("input").focus(); }
      } else if (button.hasAttribute("data-remove-approval")) {
        event.preventDefault();
        var approval = button.closest("[data-approval]");
        var owner = approval.closest("[data-gi]");
        approval.remove();
        if (!owner.querySelector("[data-approval]")) { addApproval(list, owner); }
        renumber(list);
      } else {
        return;
      }
      changed();
    });
    return {
      // Give the page as many GIs and approvals as `names` need (to restore a local copy).
      shape: function (names) {
        var counts = [];
        names.forEach(function (name) {
          var m = /^geographical_indications\.(\d+)\.(?:approvals\.(\d+)\.)?/.exec(name);
          if (!m) { return; }
          var gi = +m[1];
          counts[gi] = Math.max(counts[gi] || 0, m[2] === undefined ? 0 : +m[2] + 1);
        });
        var blocks = list.querySelectorAll("[data-gi]");
        for (var i = blocks.length; i < counts.length; i++) { addGi(list); }
        list.querySelectorAll("[data-gi]").forEach(function (block, gi) {
          if (gi >= counts.length) { block.remove(); return; }
          var want = Math.max(counts[gi] || 0, 1);
          var rows = block.querySelectorAll("[data-approval]");
          for (var j = rows.length; j < want; j++) { addApproval(list, block); }
          block.querySelectorAll("[data-approval]").forEach(function (row, ap) {
            if (ap >= want) { row.remove(); }
          });
        });
        renumber(list);
      }
    };
  }

  // --- autosave and the local copy -----------------------------------------------------------------

  function entries(form) {
    var result = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string") { return; }  // files go up with the form, not here
      if (name === "csrfmiddlewaretoken" || name === "revision") { return; }
      result.push([name, value]);
    });
    return result;
  }

  function sameEntries(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function localKeys(store, recId) {
    var keys = [];
    for (var i = 0; store && i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(LOCAL_PREFIX + recId + ":") === 0) { keys.push(key); }
    }
    return keys;
  }

  function setupAutosave(form) {
    var url = form.getAttribute("data-autosave-url");
    var recId = form.getAttribute("data-rec");
    var revisionInput = form.querySelector("input[name=revision]");
    var status = form.querySelector("[data-autosave-status]");
    var overwrite = form.querySelector("[data-overwrite]");
    var store = storage();
    var timer = null;
    var inflight = false;
    var dirty = false;
    var stale = form.hasAttribute("data-stale");
    var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
    var say = function (text, kind) {
      if (!status) { return; }
      status.textContent = text;
      status.className = "autosave-status" + (kind ? " " + kind : "");
    };

    function keepLocal() {
      if (!store) { return; }
      var key = LOCAL_PREFIX + recId + ":" + revisionInput.value;
      try {
        localKeys(store, recId).forEach(function (other) { if (other !== key) { store.removeItem(other); } });
        store.setItem(key, JSON.stringify({ at: new Date().toISOString(), entries: entries(form) }));
      } catch (error) { /* storage full or disabled: the server copy still counts */ }
    }

    function dropLocal() {
      if (!store) { return; }
      localKeys(store, recId).forEach(function (key) { store.removeItem(key); });
    }

    function showProblems(problems) {
      form.querySelectorAll("[data-errors-for]").forEach(function (list) {
        var messages = problems[list.getAttribute("data-errors-for")] || [];
        list.innerHTML = "";
        messages.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          list.appendChild(item);
        });
        var field = document.getElementById(list.id.replace(/-errors$/, ""));
        var cell = list.closest(".cell");
        if (cell) { cell.classList.toggle("has-error", messages.length > 0); }
        if (field) {
          if (messages.length) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
        }
      });
    }

    function save() {
      timer = null;
      if (stale) { return; }
      if (inflight) { dirty = true; return; }
      inflight = true;
      dirty = false;
      var body = new URLSearchParams();
      entries(form).forEach(function (pair) { body.append(pair[0], pair[1]); });
      body.append("revision", revisionInput.value);
      say(msg("saving"), "busy");
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json", "X-Requested-With": "fetch" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var json = type.indexOf("application/json") === 0 ? response.json() : Promise.resolve({});
        return json.then(function (data) { return { status: response.status, data: data }; });
      }).then(function (result) {
        inflight = false;
        var data = result.data || {};
        if (result.status === 200) {
          revisionInput.value = data.revision;
          showProblems(data.problems || {});
          if (dirty) {
            keepLocal();
            schedule();
            say(msg("pending"), "pending");
          } else {
            dropLocal();
            say(data.message || msg("saved"), "ok");
          }
        } else if (result.status === 409 && data.error === "stale") {
          stale = true;
          keepLocal();
          say(data.message || msg("stale"), "bad");
          if (overwrite) { overwrite.hidden = false; overwrite.value = data.revision; }
        } else if (data.error === "forbidden" || data.error === "refused") {
          // Submitted or otherwise closed meanwhile: saving here can no longer succeed.
          stale = true;
          keepLocal();
          say(data.message, "bad");
        } else if (result.status === 401 || result.status === 403 || result.status === 0) {
          keepLocal();
          say(msg("expired"), "bad");
        } else {
          keepLocal();
          say(data.message || msg("failed"), "bad");
        }
      }).catch(function () {
        inflight = false;
        keepLocal();
        say(msg("offline"), "bad");
      });
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, 1500);
    }

    function changed() {
      keepLocal();
      if (!stale) {
        schedule();
        if (!inflight) { say(msg("pending"), "pending"); } else { dirty = true; }
      }
    }

    form.addEventListener("input", function (event) {
      if (event.target.type === "file") { return; }
      changed();
    });
    // Retry when the person comes back (e.g. after logging in again in another tab).
    window.addEventListener("focus", function () {
      if (!stale && localKeys(store, recId).length && !inflight) { schedule(); }
    });
    form.addEventListener("submit", function () {
      refreshCsrf(form);
      keepLocal();
    });
    if (overwrite) {
      overwrite.addEventListener("click", function () {
        refreshCsrf(form);
        keepLocal();
      });
    }
    return { changed: changed, keepLocal: keepLocal, dropLocal: dropLocal, say: say, msg: msg, store: store };
  }

  function offerRestore(form, autosave, gis) {
    var store = autosave.store;
    var recId = form.getAttribute("data-rec");
    var keys = localKeys(store, recId);
    if (!keys.length) { return; }
    var copy = null;
    try { copy = JSON.parse(store.getItem(keys[keys.length - 1])); } catch (error) { copy = null; }
    if (!copy || !copy.entries || sameEntries(copy.entries, entries(form))) {
      autosave.dropLocal();
      return;
    }
    var box = document.createElement("div");
    box.className = "restore message message-warning";
    box.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = format(autosave.msg("restore"), { time: new Date(copy.at).toLocaleString() });
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn small";
    restore.textContent = autosave.msg("restore-yes");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn small secondary";
    discard.textContent = autosave.msg("restore-no");
    box.appendChild(text);
    box.appendChild(restore);
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
    restore.addEventListener("click", function () {
      var names = copy.entries.map(function (pair) { return pair[0]; });
      if (gis) { gis.shape(names); }
      copy.entries.forEach(function (pair) {
        var field = form.elements.namedItem(pair[0]);
        if (field && field.type !== "file" && field.type !== "submit" && field.type !== "hidden") {
          field.value = pair[1];
          field.dispatchEvent(new Event("input", { bubbles: false }));
        }
      });
      box.remove();
      autosave.changed();
    });
    discard.addEventListener("click", function () {
      box.remove();
      autosave.dropLocal();
    });
  }

  function setupUploads(form) {
    form.querySelectorAll("input[type=file][data-upload-button]").forEach(function (input) {
      input.addEventListener("change", function () {
        var button = document.getElementById(input.getAttribute("data-upload-button"));
        if (input.files.length && button) {
          if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
        }
      });
    });
  }

  // --- countdowns -------------------------------------------------------------------------------

  function setupCountdowns() {
    var counters = document.querySelectorAll("[data-countdown]");
    if (!counters.length) { return; }
    var tick = function () {
      var now = Date.now();
      counters.forEach(function (counter) {
        var left = Math.floor((Date.parse(counter.getAttribute("data-countdown")) - now) / 1000);
        if (isNaN(left)) { return; }
        if (left < 0) {
          counter.textContent = counter.getAttribute("data-label-passed");
          counter.classList.add("late");
          return;
        }
        var units = (counter.getAttribute("data-units") || "d,h,m,s").split(",");
        var days = Math.floor(left / 86400);
        var hours = Math.floor((left % 86400) / 3600);
        var minutes = Math.floor((left % 3600) / 60);
        var seconds = left % 60;
        var text = (days ? days + " " + units[0] + " " : "") + hours + " " + units[1] + " " +
          minutes + " " + units[2] + " " + seconds + " " + units[3];
        counter.textContent = format(counter.getAttribute("data-label-left"), { time: text });
        counter.classList.toggle("soon", left < 3 * 86400);
      });
    };
    tick();
    setInterval(tick, 1000);
  }

  // --- start -----------------------------------------------------------------------------------

  // A link to one step (#action-recommend) opens that step's form.
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); }
  }

  function start() {
    openTarget();
    window.addEventListener("hashchange", openTarget);
    setupCounts(document);
    setupCountdowns();
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function () { refreshCsrf(form); });
    });
    var form = document.querySelector("form[data-autosave-url]");
    if (!form) { return; }
    var autosave = null;
    var gis = setupGis(form, function () { if (autosave) { autosave.changed(); } });
    autosave = setupAutosave(form);
    setupUploads(form);
    offerRestore(form, autosave, gis);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
