'use strict';
/*
 * The dashboard's two pages: the campaign list (/) and one campaign (/campaigns/<name>). Both poll
 * the JSON API (docs/dashboard.md) and update in place: figures every REFRESH_MS, charts every
 * SERIES_MS (the issue asks for at most 5 s).
 */
(function () {
  const { h, api, fmt, badge, fill, charts } = window.Nudge;
  const REFRESH_MS = 2000;
  const SERIES_MS = 5000;
  /** Below this many outcomes an offer's figures are shown as "waiting for data". */
  const FEW_OUTCOMES = 30;
  const WINNER = 0.95;
  const app = document.getElementById('app');
  const updated = document.getElementById('updated');

  function stamp(ok, message) {
    updated.textContent = ok ? 'updated ' + new Date().toLocaleTimeString() : message;
    updated.className = ok ? 'muted' : 'error';
  }

  /** Runs `fn` now and every `ms`; a failure shows in the header and the next round tries again. */
  function every(ms, fn) {
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        await fn();
        stamp(true);
      } catch (err) {
        if (!(err instanceof window.Nudge.ApiError && err.message === 'signed out')) stamp(false, String(err.message || err));
      } finally {
        running = false;
      }
    };
    void tick();
    return setInterval(tick, ms);
  }

  // ---------------------------------------------------------------- campaign list

  function listPage() {
    document.title = 'Nudge: campaigns';
    const body = h('tbody');
    fill(app, [
      h('h1', { text: 'Campaigns' }),
      h('div', { class: 'scroll' }, [
        h('table', { class: 'grid', 'data-table': 'campaigns' }, [
          h('thead', {}, [h('tr', {}, ['Campaign', 'Policy', 'Offers', 'Control', 'Decisions', 'Per minute', 'Health'].map((t) => h('th', { text: t })))]),
          body,
        ]),
      ]),
    ]);
    every(REFRESH_MS, async () => {
      const { campaigns } = await api('/api/v1/campaigns');
      fill(
        body,
        campaigns.length === 0
          ? [h('tr', {}, [h('td', { colSpan: 7, class: 'muted', text: 'No campaigns yet: put a YAML file in the campaigns directory or call AdminService.PutCampaign.' })])]
          : campaigns.map((c) =>
              h('tr', { 'data-campaign': c.name }, [
                h('td', {}, [h('a', { href: '/campaigns/' + encodeURIComponent(c.name), text: c.name }), c.description ? h('div', { class: 'muted small', text: c.description }) : null]),
                h('td', { text: c.policy }),
                h('td', { class: 'num', text: c.offers }),
                h('td', { class: 'num', text: fmt.pct(c.controlShare, 0) }),
                h('td', { class: 'num', 'data-field': 'decisions', text: fmt.int(c.decisions) }),
                h('td', { class: 'num', text: fmt.num(c.decisionsPerMinute, 1) }),
                h('td', {}, healthBadges(c.health)),
              ]),
            ),
      );
    });
  }

  function healthBadges(hl) {
    const out = [];
    if (hl.srmFlagged) out.push(badge('SRM', 'bad'));
    for (const f of hl.driftSignificant) out.push(badge('drift: ' + f, 'warn'));
    out.push(badge('uplift ' + hl.upliftVerdict, hl.upliftVerdict === 'better' ? 'good' : hl.upliftVerdict === 'worse' ? 'bad' : ''));
    if (hl.ece !== null) out.push(badge('ECE ' + fmt.num(hl.ece), hl.ece > 0.1 ? 'warn' : ''));
    if (out.length === 1 && !hl.srmFlagged) out.unshift(badge('ok', 'good'));
    return out;
  }

  // ---------------------------------------------------------------- one campaign

  function section(title, children, cls) {
    return h('section', { class: 'panel ' + (cls || '') }, [h('h2', { text: title })].concat(children));
  }

  function ciBar(o) {
    const bar = h('div', { class: 'ci', title: '95% credible interval ' + fmt.num(o.ciLow) + ' to ' + fmt.num(o.ciHigh) });
    const range = h('span', { class: 'ci-range' });
    const mean = h('span', { class: 'ci-mean' });
    range.style.left = 100 * o.ciLow + '%';
    range.style.width = Math.max(0.5, 100 * (o.ciHigh - o.ciLow)) + '%';
    mean.style.left = 100 * o.mean + '%';
    bar.append(range, mean);
    return bar;
  }

  function attributesText(attrs) {
    const keys = Object.keys(attrs || {});
    return keys.length === 0 ? null : h('div', { class: 'attrs small' }, keys.map((k) => h('span', { class: 'attr', text: k + ': ' + attrs[k] })));
  }

  function leaderboard(view) {
    const attrs = new Map(view.campaign.offers.map((o) => [o.id, o.attributes]));
    const rows = view.stats.offers.map((o) => {
      const few = Number(o.outcomes) < FEW_OUTCOMES;
      const state = few ? badge('waiting for data: ' + o.outcomes + ' outcomes', 'muted') : o.pBest >= WINNER ? badge('winner', 'good') : null;
      return h('tr', { 'data-offer': o.offerId }, [
        h('td', {}, [h('span', { class: 'offer-id', text: o.offerId }), attributesText(attrs.get(o.offerId))]),
        h('td', { class: 'num', 'data-field': 'impressions', text: fmt.int(o.impressions) }),
        h('td', { class: 'num', 'data-field': 'rewards', text: fmt.num(o.rewards, 2) }),
        h('td', { class: 'num', 'data-field': 'outcomes', text: fmt.int(o.outcomes) }),
        h('td', { class: 'cell-ci' }, [h('span', { 'data-field': 'mean', text: fmt.num(o.mean) }), ciBar(o)]),
        h('td', { class: 'num', 'data-field': 'p-best', text: fmt.num(o.pBest, 2) }),
        h('td', { class: 'num', 'data-field': 'expected-loss', text: fmt.num(o.expectedLoss, 4) }),
        h('td', { 'data-field': 'state' }, [state]),
      ]);
    });
    return h('div', { class: 'scroll' }, [
      h('table', { class: 'grid', 'data-table': 'leaderboard' }, [
        h('thead', {}, [h('tr', {}, ['Offer', 'Impressions', 'Rewards', 'Outcomes', 'Mean (95% CI)', 'P(best)', 'Exp. loss', ''].map((t) => h('th', { text: t })))]),
        h('tbody', {}, rows),
      ]),
    ]);
  }

  function upliftPanel(s) {
    const verdict = badge(s.upliftVerdict, s.upliftVerdict === 'better' ? 'good' : s.upliftVerdict === 'worse' ? 'bad' : '');
    const srm = s.srm.map((c) =>
      h('li', { 'data-srm': c.name }, [
        h('strong', { text: c.name + ': ' }),
        'observed ' + c.observed.join(' / ') + ', expected ' + c.expected.map((e) => fmt.num(e, 1)).join(' / ') + ', p = ' + Number(c.pValue).toExponential(2) + ' ',
        c.flagged ? badge('sample ratio mismatch', 'bad') : badge('ok', 'good'),
      ]),
    );
    return [
      h('p', { class: 'big', 'data-field': 'uplift' }, [fmt.signed(s.uplift), ' ', verdict]),
      h('p', { class: 'muted', text: '95% interval ' + fmt.signed(s.upliftCiLow) + ' to ' + fmt.signed(s.upliftCiHigh) + ' · treatment ' + fmt.int(s.treatment.decisions) + ' decisions, reward rate ' + fmt.num(s.treatment.rewardRate) + ' · control ' + fmt.int(s.control.decisions) + ', ' + fmt.num(s.control.rewardRate) }),
      srm.length > 0 ? h('ul', { class: 'plain' }, srm) : h('p', { class: 'muted', text: 'No split to check (no control group, not a fixed split).' }),
    ];
  }

  function driftTable(drift) {
    if (drift.length === 0) return h('p', { class: 'muted', text: 'No feature snapshot loaded.' });
    return h('div', { class: 'scroll' }, [
      h('table', { class: 'grid', 'data-table': 'drift' }, [
        h('thead', {}, [h('tr', {}, ['Feature', 'Kind', 'PSI', 'Band', 'n reference', 'n recent'].map((t) => h('th', { text: t })))]),
        h('tbody', {}, drift.map((d) =>
          h('tr', { 'data-feature': d.feature }, [
            h('td', { text: d.feature }),
            h('td', { text: d.kind }),
            h('td', { class: 'num', text: fmt.num(d.psi) }),
            h('td', {}, [badge(d.band, d.band === 'significant' ? 'bad' : d.band === 'moderate' ? 'warn' : d.band === 'stable' ? 'good' : 'muted')]),
            h('td', { class: 'num', text: fmt.int(d.nReference) }),
            h('td', { class: 'num', text: fmt.int(d.nCurrent) }),
          ]),
        )),
      ]),
    ]);
  }

  function servingCards(sv) {
    if (sv === null) return [h('p', { class: 'muted', text: 'No serving figures.' })];
    const card = (label, value, field) => h('div', { class: 'card' }, [h('div', { class: 'muted small', text: label }), h('div', { class: 'big', 'data-field': field, text: value })]);
    const lag = sv.syncAgeMs !== null ? ['local copy age', fmt.ms(sv.syncAgeMs)] : ['outcome commit', fmt.ms(sv.outcomeCommitMs)];
    return [
      h('div', { class: 'cards' }, [
        card('Decide calls / s', fmt.num(sv.decisionsPerSecond, 1), 'decisions-per-second'),
        card('Decide p50', fmt.ms(sv.decideP50Ms), 'p50'),
        card('Decide p99', fmt.ms(sv.decideP99Ms), 'p99'),
        card('shed / s', fmt.num(sv.shedPerSecond, 1) + ' (' + fmt.int(sv.shedTotal) + ' total)', 'shed'),
        card(lag[0], lag[1], 'outcome-lag'),
      ]),
      h('p', { class: 'muted small', text: 'This server process, last ' + Math.round(sv.windowSeconds) + ' s.' }),
    ];
  }

  function campaignPage(name) {
    document.title = 'Nudge: ' + name;
    let segment = new URLSearchParams(location.search).get('segment') || '';
    const head = h('div', { class: 'head' });
    const select = h('select', { id: 'segment', 'aria-label': 'segment' });
    select.addEventListener('change', () => {
      segment = select.value;
      const u = new URL(location.href);
      if (segment === '') u.searchParams.delete('segment');
      else u.searchParams.set('segment', segment);
      history.replaceState(null, '', u);
      void refresh();
    });
    const serving = h('div');
    const board = h('div');
    const uplift = h('div');
    const cal = h('div');
    const drift = h('div');
    const routes = h('div');
    const share = charts.timeChart('allocation', 'Allocation: share of impressions per offer', [0, 1]);
    const pbest = charts.timeChart('p-best', 'P(best) per offer', [0, 1]);
    const rate = charts.timeChart('reward-rate', 'Reward rate per offer', [0, 1]);
    const groups = charts.timeChart('groups', 'Reward rate: treatment and control', [0, 1]);
    const reliability = charts.reliabilityChart();
    fill(app, [
      head,
      h('div', { class: 'toolbar' }, [h('label', { htmlFor: 'segment', text: 'Segment ' }), select]),
      section('Serving', [serving]),
      section('Leaderboard', [board], 'wide'),
      section('Uplift and sample ratio', [uplift]),
      section('Calibration', [cal, reliability.el]),
      section('Over time', [h('div', { class: 'charts' }, [share.el, pbest.el, rate.el, groups.el])], 'wide'),
      section('Feature drift (PSI)', [drift]),
      section('Routes', [routes]),
    ]);

    const refresh = async () => {
      const q = segment === '' ? '' : '?segment=' + encodeURIComponent(segment);
      const [view, sv] = await Promise.all([api('/api/v1/campaigns/' + encodeURIComponent(name) + q), api('/api/v1/serving')]);
      const c = view.campaign;
      fill(head, [h('h1', { text: c.name }), c.description ? h('p', { class: 'muted', text: c.description }) : null, h('p', { class: 'muted small', text: 'policy ' + c.policy + ' · version ' + c.version + ' · control share ' + fmt.pct(c.controlShare, 0) + (c.segmentBy.length ? ' · segments by ' + c.segmentBy.join(', ') : '') })]);
      const options = [''].concat(view.segments);
      if (select.options.length !== options.length || [...select.options].some((o, i) => o.value !== options[i])) {
        fill(select, options.map((s) => h('option', { value: s, text: s === '' ? 'all segments' : s })));
      }
      select.value = view.segment;
      fill(serving, servingCards(sv.serving));
      fill(board, [leaderboard(view)]);
      fill(uplift, upliftPanel(view.stats));
      const k = view.stats.calibration;
      fill(cal, [h('p', {}, ['ECE ', h('strong', { 'data-field': 'ece', text: fmt.num(k.ece) }), ' · Brier ' + fmt.num(k.brier) + ' · ' + fmt.int(k.n) + ' outcomes in the last ' + Math.round(view.stats.calibrationWindowMs / 3600000) + ' h' + (view.segment ? ' (all segments)' : '')])]);
      const bins = k.bins.filter((b) => Number(b.count) > 0);
      const x = [0].concat(bins.map((b) => b.meanPredicted), [1]);
      reliability.set(['perfect calibration', 'observed'], [x, x.slice(), [null].concat(bins.map((b) => b.observedRate), [null])]);
      fill(drift, [driftTable(view.stats.drift)]);
      fill(routes, [
        h('ul', { class: 'plain' }, c.routes.map((r) => h('li', { 'data-route': r.name }, [h('strong', { text: r.name }), ' → ' + r.policy + ' ', h('code', { text: r.when === null ? 'always' : JSON.stringify(r.when) })]))),
      ]);
    };

    const refreshSeries = async () => {
      const s = await api('/api/v1/campaigns/' + encodeURIComponent(name) + '/series?minutes=60');
      share.set(s.offers, [s.t].concat(s.share));
      pbest.set(s.offers, [s.t].concat(s.pBest));
      rate.set(s.offers, [s.t].concat(s.rewardRate));
      groups.set(['treatment', 'control'], [s.t, s.treatment.rewardRate, s.control.rewardRate]);
    };

    every(REFRESH_MS, refresh);
    every(SERIES_MS, refreshSeries);
  }

  const m = /^\/campaigns\/([^/]+)$/.exec(location.pathname);
  if (m !== null) campaignPage(decodeURIComponent(m[1]));
  else listPage();
})();
