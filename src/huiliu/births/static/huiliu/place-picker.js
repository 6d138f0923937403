/* Place picker: province → city → county → township → village selects that write a 12-digit division code
 * into a code field. Progressive enhancement: without this script (or when the tree cannot be read) the code
 * field is typed as before, and the server checks it the same way in both cases.
 *
 * Wired by <script data-place-picker data-children-url="…" data-fields="household_code residence_code">.
 * The endpoint answers {"children": [{code, name}]} to ?code= (empty: the provinces) and
 * {"path": [{code, name}, …]} (province first) to ?path=CODE.
 */
(function () {
  "use strict";

  var script = document.querySelector("script[data-place-picker]");
  if (!script || !window.fetch || !window.Promise) return;
  var endpoint = script.getAttribute("data-children-url");
  var fieldNames = (script.getAttribute("data-fields") || "").split(/\s+/).filter(Boolean);
  var LEVELS = ["省", "市", "县（区）", "乡镇（街道）", "村（社区）"];
  var CSS = [
    ".place-picker{display:flex;flex-wrap:wrap;gap:6px 10px;margin:2px 0 8px;}",
    ".place-picker label{display:flex;flex-direction:column;gap:2px;flex:1 1 9em;min-width:8em;max-width:15em;",
    "font-weight:400;font-size:13px;color:var(--muted,#616e7c);margin:0;}",
    ".place-picker select{width:100%;}",
    ".place-picker select:disabled{background:#f5f7fa;color:#9aa5b1;}",
    "input.place-code[readonly]{background:#f5f7fa;color:var(--ink,#1f2933);cursor:default;}",
    "button.place-manual{background:none;border:0;padding:0;margin-left:6px;font:inherit;font-size:13px;",
    "color:var(--brand,#0b6e4f);text-decoration:underline;cursor:pointer;}",
    ".place-status{display:block;color:var(--bad,#b42318);font-size:13px;}"
  ].join("");

  var answers = {};  // one request per query for the whole page: both pickers share the provinces

  function ask(query) {
    if (!answers[query]) {
      answers[query] = fetch(endpoint + "?" + query, {headers: {Accept: "application/json"}, credentials: "same-origin"})
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (!response.ok) throw new Error(body.error || "地名暂时无法载入。");
            return body;
          });
        });
      answers[query].catch(function () { delete answers[query]; });  // a refused request may be asked again
    }
    return answers[query];
  }

  function childrenOf(code) {
    return ask("code=" + encodeURIComponent(code || "")).then(function (body) { return body.children || []; });
  }

  function pathOf(code) {
    return ask("path=" + encodeURIComponent(code)).then(function (body) { return body.path || []; });
  }

  /* The level (1 province … 5 village) is in the digits: how many of the twelve are significant. */
  function levelOf(code) {
    if (/0{10}$/.test(code)) return 1;
    if (/0{8}$/.test(code)) return 2;
    if (/0{6}$/.test(code)) return 3;
    if (/0{3}$/.test(code)) return 4;
    return 5;
  }

  function option(value, text) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function Picker(input) {
    var self = this;
    var field = input.closest(".field") || input.parentNode;
    var label = field.querySelector("label[for='" + input.id + "']");
    this.input = input;
    this.token = 0;  // each walk of the tree has its own number; answers of an older walk are dropped
    this.selects = [];

    var group = document.createElement("div");
    group.className = "place-picker";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", (label ? label.textContent : "") + "：逐级选择");
    LEVELS.forEach(function (name, index) {
      var wrapper = document.createElement("label");
      var caption = document.createElement("span");
      var select = document.createElement("select");
      caption.textContent = name;
      select.id = input.id + "-level" + (index + 1);
      select.setAttribute("data-level", String(index + 1));
      select.disabled = true;
      select.appendChild(option("", "—"));
      select.addEventListener("change", function () { self.chosen(index); });
      wrapper.appendChild(caption);
      wrapper.appendChild(select);
      group.appendChild(wrapper);
      self.selects.push(select);
    });
    field.insertBefore(group, input);
    field.classList.add("wide");

    var hint = document.createElement("span");
    hint.className = "helptext place-hint";
    hint.textContent = "在上面逐级选择，区划代码会自动填入。";
    var manual = document.createElement("button");
    manual.type = "button";
    manual.className = "place-manual";
    manual.textContent = "我知道代码，直接输入";
    manual.addEventListener("click", function () { self.unlock(); input.focus(); });
    hint.appendChild(manual);
    this.hint = hint;
    this.manual = manual;
    this.status = document.createElement("span");
    this.status.className = "place-status";
    this.status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    hint.insertAdjacentElement("afterend", this.status);

    input.classList.add("place-code");
    input.readOnly = true;
    // A code typed by hand: the selects follow it when it names a place.
    input.addEventListener("change", function () {
      var code = input.value.trim();
      if (/^[0-9]{12}$|^[0-9]{6}$/.test(code)) self.show(code); else self.walk([]);
    });
  }

  Picker.prototype.unlock = function (message) {
    this.input.readOnly = false;
    this.manual.hidden = true;
    if (!message) return;
    this.hint.style.display = "none";  // the selects cannot be filled: the field is typed, as without the script
    this.status.textContent = message + "请直接输入 12 位区划代码。";
  };

  /* Empty and disable the selects from this index on. */
  Picker.prototype.clearFrom = function (index) {
    for (var i = index; i < this.selects.length; i++) {
      var select = this.selects[i];
      select.textContent = "";
      select.appendChild(option("", "—"));
      select.disabled = true;
    }
  };

  Picker.prototype.fill = function (index, nodes) {
    var select = this.selects[index];
    select.textContent = "";
    select.appendChild(option("", "请选择" + LEVELS[index]));
    nodes.forEach(function (node) { select.appendChild(option(node.code, node.name)); });
    select.disabled = false;
  };

  /* Load the children of `parent` ("" for the provinces) into the select of their level; its index, or -1. */
  Picker.prototype.load = function (parent, token) {
    var self = this;
    return childrenOf(parent).then(function (nodes) {
      if (token !== self.token) return -1;
      self.clearFrom(parent ? levelOf(parent) : 0);
      if (!nodes.length) return -1;
      var index = Math.min.apply(null, nodes.map(function (node) { return levelOf(node.code); })) - 1;
      self.fill(index, nodes);
      return index;
    });
  };

  /* Choose each node of the path in turn, province first; an empty path just offers the provinces. */
  Picker.prototype.walk = function (path) {
    var self = this;
    var token = ++this.token;
    function step(k, parent) {
      return self.load(parent, token).then(function (index) {
        if (index < 0 || k >= path.length) return;
        self.selects[index].value = path[k].code;
        if (self.selects[index].value !== path[k].code) return;
        return step(k + 1, path[k].code);
      });
    }
    return step(0, "").catch(function (error) { self.unlock(error.message); });
  };

  /* Show the path of a code already in the field (say, the form came back refused). */
  Picker.prototype.show = function (code) {
    var self = this;
    this.status.textContent = "";
    return pathOf(code).then(function (path) { return self.walk(path); }, function () { return self.walk([]); });
  };

  /* The select at this index was changed: the code is the deepest place chosen, and the level below is offered. */
  Picker.prototype.chosen = function (index) {
    var token = ++this.token;
    var value = this.selects[index].value;
    var self = this;
    this.status.textContent = "";
    this.clearFrom(index + 1);
    if (!value) {
      for (var i = index - 1; i >= 0 && !value; i--) value = this.selects[i].value;
      this.input.value = value;
      return;
    }
    this.input.value = value;
    this.load(value, token).catch(function (error) { self.unlock(error.message); });
  };

  function start() {
    if (!fieldNames.length) return;
    var style = document.createElement("style");
    style.textContent = CSS;
    document.head.appendChild(style);
    fieldNames.forEach(function (name) {
      var form = script.closest("form") || document;
      var input = form.querySelector("input[name='" + name + "']");
      if (!input) return;
      var picker = new Picker(input);
      var code = input.value.trim();
      if (code) picker.show(code); else picker.walk([]);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
