// Storyline reader: small progressive enhancements. Every page works without it.
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // "Get a summary": fetch the summary and show it in place, no reload.
  function showSummary(button) {
    var section = document.getElementById("summary");
    if (!section || !button) return;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Summarizing…";
    fetch(button.getAttribute("data-api"), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error((body.error && body.error.message) || response.statusText);
          return body;
        });
      })
      .then(function (body) {
        section.textContent = "";
        var h = document.createElement("h2");
        h.textContent = "Summary";
        var list = document.createElement("ul");
        list.className = "summary-sentences";
        body.sentences.forEach(function (s) {
          var li = document.createElement("li");
          li.textContent = s.text;
          list.appendChild(li);
        });
        section.appendChild(h);
        section.appendChild(list);
        if (body.note) {
          var note = document.createElement("p");
          note.className = "note";
          note.textContent = body.note;
          section.appendChild(note);
        }
        section.setAttribute("data-loaded", "true");
      })
      .catch(function (error) {
        button.removeAttribute("aria-busy");
        button.textContent = "Get a summary";
        var p = document.createElement("p");
        p.className = "note";
        p.textContent = "Could not summarize: " + error.message;
        section.appendChild(p);
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#get-summary");
    if (!button || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    showSummary(button);
  });

  // The facts panel of a story: filled in after the page has loaded.
  function loadFacts() {
    var panel = document.querySelector("[data-facts-url]");
    if (!panel) return;
    var pending = panel.querySelector(".facts-pending");
    if (pending) pending.textContent = "Finding the people, places, dates and quotes…";
    fetch(panel.getAttribute("data-facts-url"), { headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(r.statusText); return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("facts");
        if (fresh) panel.replaceWith(document.adoptNode(fresh));
      })
      .catch(function () {
        if (pending) pending.innerHTML = "";
        var a = document.createElement("a");
        a.href = panel.getAttribute("data-facts-url").replace(/\/facts$/, "?facts=1#facts");
        a.textContent = "Show the facts";
        if (pending) pending.appendChild(a);
      });
  }

  // Read / saved toggles: the form is posted in place and the page updated,
  // instead of a reload (the story page's own toggle still navigates).
  function applyState(form, body) {
    var field = form.getAttribute("data-toggle");
    var state = !!body[field];
    var input = form.querySelector('input[name="' + field + '"]');
    var button = form.querySelector("button");
    if (input) input.value = state ? "0" : "1";
    if (button) {
      button.textContent = button.getAttribute(state ? "data-on" : "data-off");
      button.setAttribute("aria-pressed", state ? "true" : "false");
    }
    var holder = form.closest(".item, article.article, .actions");
    var owner = form.closest(".item") || document.querySelector("article.article");
    if (field === "read" && owner) {
      owner.classList.toggle("read", state);
      owner.classList.toggle("unread", !state);
    }
    var count = owner && owner.querySelector(".unread-count");
    if (count && typeof body.unread === "number") count.textContent = body.unread ? body.unread + " unread" : "read";
    var flags = holder && holder.querySelector(".flags");
    if (flags && typeof body.read === "boolean" && typeof body.saved === "boolean") {
      var text = (body.read ? "read" : "unread") + (body.saved ? ", saved" : "");
      flags.textContent = holder.matches(".actions") ? text.charAt(0).toUpperCase() + text.slice(1) : text;
    }
  }

  function postToggle(form) {
    form.setAttribute("aria-busy", "true");
    return fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(new FormData(form))
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error((body.error && body.error.message) || response.statusText);
        applyState(form, body);
      });
    }).catch(function () {
      form.submit();  // let the server say what went wrong
    }).then(function () { form.removeAttribute("aria-busy"); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-toggle]") || form.closest("#story-actions")) return;
    event.preventDefault();
    postToggle(form);
  });

  // The keys overlay: "?" opens and closes it, Escape or "Close" closes it.
  function helpBox() { return document.getElementById("help"); }
  function toggleHelp(show) {
    var help = helpBox();
    if (!help) return;
    var open = show === undefined ? !help.classList.contains("open") : show;
    help.classList.toggle("open", open);
    if (!open && window.location.hash === "#help") history.replaceState(null, "", window.location.pathname + window.location.search);
    if (open) help.focus();
  }
  document.addEventListener("click", function (event) {
    var help = helpBox();
    if (!help) return;
    if (event.target.closest && event.target.closest(".help-close")) {
      event.preventDefault();
      toggleHelp(false);
    } else if (event.target === help) {
      toggleHelp(false);
    } else if (event.target.closest && event.target.closest('a[href="#help"]')) {
      event.preventDefault();
      toggleHelp(true);
    }
  });

  // Keyboard: j/k next/previous item, m read, s save, A mark all read,
  // o/v original, g summary, / search, ? the keys.
  var current = -1;
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("main .items > .item"));
  }
  function select(delta) {
    var list = items();
    if (!list.length) return false;
    if (current >= 0 && list[current]) list[current].classList.remove("selected");
    current = Math.max(0, Math.min(list.length - 1, current + delta));
    var item = list[current];
    item.classList.add("selected");
    item.scrollIntoView({ block: "nearest" });
    var link = item.querySelector(".item-link, a");
    if (link) link.focus({ preventScroll: true });
    return true;
  }
  function target(selector) {
    // On an article page, the article; on a list, the selected item.
    if (document.querySelector("article.article")) return document.querySelector(selector);
    var list = items();
    return current >= 0 && list[current] ? list[current].querySelector(selector) : null;
  }
  function go(ids) {
    for (var i = 0; i < ids.length; i++) {
      var a = document.getElementById(ids[i]);
      if (a) { window.location.href = a.href; return true; }
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var onArticle = !!document.querySelector("article.article");
    var help = helpBox();
    if (event.key === "Escape" && help && help.classList.contains("open")) {
      toggleHelp(false);
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      toggleHelp();
    } else if (event.key === "m" || event.key === "s") {
      var form = target('form[data-toggle="' + (event.key === "m" ? "read" : "saved") + '"]');
      if (form) { event.preventDefault(); postToggle(form); }
    } else if (event.key === "A") {
      var all = document.getElementById("mark-all-read");
      if (all) { event.preventDefault(); all.submit(); }
    } else if (event.key === "o" || event.key === "v") {
      var original = target("a.original");
      if (original) { event.preventDefault(); window.open(original.href, "_blank", "noopener"); }
    } else if (event.key === "/") {
      var q = document.getElementById("q");
      if (q) { event.preventDefault(); q.focus(); q.select(); }
    } else if (event.key === "j") {
      if (onArticle) go(["story-next", "time-next"]); else select(1);
    } else if (event.key === "k") {
      if (onArticle) go(["story-prev", "time-prev"]); else select(-1);
    } else if (event.key === "g") {
      var button = document.getElementById("get-summary");
      if (button) { event.preventDefault(); showSummary(button); }
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loadFacts);
  else loadFacts();
})();
