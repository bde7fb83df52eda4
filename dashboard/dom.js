'use strict';
/*
 * Helpers the dashboard's pages share: element building (text only: every value from offer ids,
 * attributes or campaign text goes in through textContent, never as HTML), the JSON API, formatting.
 */
(function () {
  function h(tag, props, children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = String(v);
      else if (k.startsWith('data-') || k === 'role' || k.startsWith('aria-') || k === 'title') el.setAttribute(k, String(v));
      else el[k] = v;
    }
    for (const c of [].concat(children || [])) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  class ApiError extends Error {}

  async function api(path) {
    const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (res.status === 401) {
      location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
      throw new ApiError('signed out');
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError((body && body.error && body.error.message) || 'HTTP ' + res.status);
    return body;
  }

  const fmt = {
    int: (x) => Math.round(Number(x)).toLocaleString('en-US'),
    num: (x, d) => (x === null || x === undefined || Number.isNaN(Number(x)) ? '–' : Number(x).toFixed(d === undefined ? 3 : d)),
    signed: (x, d) => (x >= 0 ? '+' : '') + Number(x).toFixed(d === undefined ? 4 : d),
    pct: (x, d) => (x === null || x === undefined ? '–' : (100 * Number(x)).toFixed(d === undefined ? 1 : d) + '%'),
    ms: (x) => (x === null || x === undefined ? '–' : Number(x) < 10 ? Number(x).toFixed(2) + ' ms' : Number(x).toFixed(0) + ' ms'),
  };

  function badge(text, kind) {
    return h('span', { class: 'badge ' + (kind || ''), text });
  }

  /** Replaces an element's children. */
  function fill(el, children) {
    el.replaceChildren(...[].concat(children).filter((c) => c !== null && c !== undefined && c !== false));
  }

  window.Nudge = { h, api, fmt, badge, fill, ApiError };
})();
