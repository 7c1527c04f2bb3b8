/*
 * cxplatform survey widget: one file, no build step, no dependencies.
 *
 *   <script src="https://cx.example.com/static/cx/widget.js" defer
 *           data-survey="PUBLIC_KEY" data-customer="EXTERNAL_ID" data-signature="HMAC_HEX"
 *           data-account="ACCOUNT_ID" data-locale="zh-CN" data-touchpoint="in-app"></script>
 *
 * data-account is optional: the customer's account, which the signature then covers
 * (HMAC-SHA256 of EXTERNAL_ID + "\n" + ACCOUNT_ID, computed on the host's server).
 *
 * It asks the platform whether to ask this visitor now (the contact policy decides), then shows
 * the question in a shadow DOM, so the host page's CSS and ours never touch. Buttons are real
 * <button>s: Tab reaches them, Enter or Space picks one. Escape closes the panel.
 *
 * It needs no inline script, no eval and no style attribute on the host page, so it runs under a
 * strict Content-Security-Policy that allows our origin for script-src and connect-src. It tells
 * the host page what happened with a "cx-survey" event on document, whose detail is
 * {state: "shown" | "skipped" | "sent" | "failed", reason, status}: "skipped" carries the contact
 * policy's reason (cooldown, not_sampled…) or, when the platform refused, the HTTP status.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.survey) return;
  var data = script.dataset;
  var base = (data.api || new URL(script.src, document.baseURI).origin).replace(/\/$/, "");
  var locale = data.locale || navigator.language || "";

  function query(params) {
    return Object.keys(params)
      .filter(function (key) { return params[key]; })
      .map(function (key) { return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]); })
      .join("&");
  }

  function newKey() {  // 128 random bits, as hex: one key per answer, kept for its retries
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var CSS =
    ":host{all:initial}" +
    ".panel{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:min(420px,calc(100vw - 32px));" +
    "box-sizing:border-box;background:#fff;color:#1b1f24;border-radius:12px;padding:18px 18px 16px;" +
    "max-height:calc(100vh - 32px);overflow:auto;box-shadow:0 8px 30px rgba(0,0,0,.2);font:15px/1.5 -apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif}" +
    "h2{font-size:16px;line-height:1.4;margin:0 28px 12px 0;font-weight:600}" +
    ".scale{display:grid;grid-template-columns:repeat(var(--points),minmax(0,1fr));gap:4px}" +
    ".scale button{min-width:0;min-height:36px;padding:0;border:2px solid #c9ced6;border-radius:6px;background:#fff;" +
    "color:#1b1f24;font:inherit;font-weight:600;cursor:pointer}" +
    ".vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}" +
    ".scale button[aria-pressed=true]{background:#1f5fbf;border-color:#1f5fbf;color:#fff}" +
    ".ends{display:flex;justify-content:space-between;gap:12px;font-size:12px;color:#4a5360;margin:4px 0 12px}" +
    ".ends span:last-child{text-align:right}" +
    "label{display:block;font-weight:600;margin-bottom:4px}" +
    ".consent{display:flex;gap:8px;align-items:flex-start;margin:10px 0 0;font-weight:400}" +
    ".consent input{flex:none;width:18px;height:18px;margin:2px 0 0;accent-color:#1f5fbf}" +
    "textarea{box-sizing:border-box;width:100%;min-height:64px;font:inherit;padding:8px;border:2px solid #c9ced6;border-radius:6px}" +
    ".send{margin-top:10px;width:100%;padding:10px;border:0;border-radius:6px;background:#1f5fbf;color:#fff;font:inherit;font-weight:600;cursor:pointer}" +
    ".close{position:absolute;top:8px;right:8px;width:32px;height:32px;border:0;background:transparent;font-size:20px;cursor:pointer;color:#4a5360}" +
    "button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #f5a623;outline-offset:2px}" +
    ".msg{margin:8px 0 0;font-weight:600}.msg.error{color:#a11a1a}" +
    ".q{border:0;margin:0 0 10px;padding:0;min-width:0}.q[hidden]{display:none}.q legend{font-weight:600;padding:0;margin-bottom:4px}" +
    ".req{font-weight:400;color:#4a5360}.opt{display:flex;gap:8px;align-items:flex-start;font-weight:400;margin:2px 0}" +
    ".opt input{flex:none;width:18px;height:18px;margin:2px 0 0;accent-color:#1f5fbf}.pts{display:flex;flex-wrap:wrap;gap:2px 12px}" +
    "@media (max-width:420px){.panel{right:8px;bottom:8px;width:calc(100vw - 16px);padding:14px 12px 12px}.scale{gap:2px}}";

  function tell(detail) {  // what happened, for the host page (the demo page explains a skipped widget)
    document.dispatchEvent(new CustomEvent("cx-survey", { detail: detail }));
  }

  function styled(root) {  // a constructed sheet is not a <style> element: a host's style-src cannot refuse it
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (error) { /* an older browser: fall back to a style element */ }
    }
    var style = el("style");
    style.textContent = CSS;
    root.appendChild(style);
  }

  // An additional question: a fieldset of radios or checkboxes (a scale is radios too), or a labelled textarea.
  // It shows once a score it is asked of is chosen; value() is its answer, or null when it is blank.
  function questionBlock(question, index, texts) {
    var id = "cx-q" + index;
    var block = el("fieldset", { class: "q", id: id });
    block.hidden = true;
    var title = question.text + (question.required ? " " : "");
    var inputs = [];
    if (question.kind === "text") {
      block.appendChild(el("label", { for: id + "-text" }, title));
      var area = el("textarea", { id: id + "-text", maxlength: "2000" });
      inputs.push(area);
      block.appendChild(area);
    } else {
      var legend = el("legend", {}, title);
      block.appendChild(legend);
      var points = question.scale
        ? Array.from({ length: question.scale.max - question.scale.min + 1 }, function (_, i) {
          var value = String(question.scale.min + i);
          return { key: value, label: value };
        })
        : question.options;
      var group = el("div", question.scale ? { class: "pts" } : {});
      points.forEach(function (option, i) {
        var input = el("input", {
          type: question.kind === "multiple" ? "checkbox" : "radio", name: id, id: id + "-" + i, value: option.key
        });
        var label = el("label", { class: "opt", for: id + "-" + i });
        label.append(input, el("span", {}, option.label));
        inputs.push(input);
        group.appendChild(label);
      });
      block.appendChild(group);
    }
    if (question.required) (block.querySelector("legend") || block.querySelector("label")).appendChild(el("span", { class: "req" }, texts.required));
    return {
      node: block,
      question: question,
      show: function (score) {
        var asked = question.scores.indexOf(score) !== -1;
        block.hidden = !asked;
        inputs.forEach(function (input) { input.disabled = !asked; });
        return asked;
      },
      focus: function () { inputs[0].focus(); },
      value: function () {
        if (question.kind === "text") return inputs[0].value.trim() || null;
        var checked = inputs.filter(function (input) { return input.checked; }).map(function (input) { return input.value; });
        if (question.kind === "multiple") return checked.length ? checked : null;
        if (!checked.length) return null;
        return question.scale ? Number(checked[0]) : checked[0];
      }
    };
  }

  function render(config) {
    var host = el("div", { id: "cx-survey-widget" });
    var root = host.attachShadow({ mode: "open" });
    styled(root);
    var panel = el("section", { class: "panel", role: "dialog", "aria-labelledby": "cx-question", lang: config.locale });
    var close = el("button", { class: "close", type: "button", "aria-label": config.texts.close }, "×");
    var title = el("h2", { id: "cx-question" }, config.question);
    var scale = el("div", { class: "scale", role: "group", "aria-labelledby": "cx-question" });
    scale.style.setProperty("--points", String(config.scale.max - config.scale.min + 1));
    var chosen = null;
    var buttons = [];
    var questions = (config.questions || []).map(function (question, i) { return questionBlock(question, i, config.texts); });
    for (var value = config.scale.min; value <= config.scale.max; value++) {
      (function (score) {
        var button = el("button", { type: "button", "aria-pressed": "false", "data-score": String(score) }, String(score));
        // the end buttons' names carry the end labels; the row under the scale is only what the eye reads
        var end = score === config.scale.min ? config.labels.low : score === config.scale.max ? config.labels.high : "";
        if (end) button.appendChild(el("span", { class: "vh" }, ", " + end));
        button.addEventListener("click", function () {
          chosen = score;
          buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
          questions.forEach(function (q) { q.show(score); });
        });
        buttons.push(button);
        scale.appendChild(button);
      })(value);
    }
    var ends = el("div", { class: "ends", "aria-hidden": "true" });
    ends.appendChild(el("span", {}, config.labels.low));
    ends.appendChild(el("span", {}, config.labels.high));
    var label = el("label", { for: "cx-comment" }, config.follow_up);
    var comment = el("textarea", { id: "cx-comment", maxlength: "5000" });
    var consent = el("label", { class: "consent", for: "cx-consent" });
    var consentBox = el("input", { type: "checkbox", id: "cx-consent" });  // optional, never ticked for the visitor
    consent.append(consentBox, el("span", {}, config.texts.consent));
    var send = el("button", { class: "send", type: "button" }, config.texts.send);
    var message = el("p", { class: "msg", role: "status", "aria-live": "polite" });

    var sent = { body: null, key: null };  // what was last sent, under which Idempotency-Key
    function dismiss() { host.remove(); }
    close.addEventListener("click", dismiss);
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") dismiss(); });
    send.addEventListener("click", function () {
      if (chosen === null) {
        message.className = "msg error";
        message.textContent = config.texts.choose;
        return;
      }
      var answers = {};
      var missing = null;
      questions.forEach(function (q) {
        if (q.node.hidden) return;
        var value = q.value();
        if (value !== null) answers[q.question.key] = value;
        else if (q.question.required && !missing) missing = q;
      });
      if (missing) {
        message.className = "msg error";
        message.textContent = config.texts.answer + " " + missing.question.text;
        missing.focus();
        return;
      }
      var body = {
        survey: config.survey, score: chosen, comment: comment.value, locale: config.locale,
        consent_to_contact: consentBox.checked
      };
      if (questions.length) body.answers = answers;
      if (data.customer) body.customer = { external_id: data.customer };
      if (data.customer && data.account) body.customer.account = data.account;
      if (data.signature) body.signature = data.signature;
      if (data.touchpoint) body.touchpoint = data.touchpoint;
      send.disabled = true;
      var json = JSON.stringify(body);
      if (json !== sent.body) sent = { body: json, key: newKey() };  // sending the same answer again is a retry
      fetch(base + "/api/v1/public/responses/", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": sent.key },
        body: json,
        credentials: "omit"
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          panel.replaceChildren(close, el("p", { class: "msg", role: "status" }, config.texts.thanks));
          close.focus();
          tell({ state: "sent" });
        })
        .catch(function (error) {
          tell({ state: "failed", status: Number(error.message) || 0 });
          send.disabled = false;
          message.className = "msg error";
          message.textContent = config.texts.error;
        });
    });

    panel.append(close, title, scale, ends);
    questions.forEach(function (q) { panel.appendChild(q.node); });
    panel.append(label, comment, consent, send, message);
    root.append(panel);
    document.body.appendChild(host);
    tell({ state: "shown" });
  }

  var url = base + "/api/v1/public/surveys/" + encodeURIComponent(data.survey) + "/?" +
    query({
      customer: data.customer, account: data.customer && data.account, signature: data.signature,
      locale: locale, touchpoint: data.touchpoint
    });
  fetch(url, { credentials: "omit" })
    .then(function (response) {
      if (response.ok) return response.json();
      tell({ state: "skipped", reason: "refused", status: response.status });
      return null;
    })
    .then(function (config) {
      if (!config) return;
      if (config.ask) render(config);
      else tell({ state: "skipped", reason: config.reason });
    })
    .catch(function () {  // the host page must never break because of the survey
      tell({ state: "skipped", reason: "unreachable" });
    });
})();
