'use strict';
/*
 * Charts with uPlot (about 50 KB, canvas, made for time series). Each chart's container says how
 * many points it has drawn in data-points, which the browser tests read.
 */
(function () {
  const { h } = window.Nudge;
  const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#4b5563'];
  const color = (i) => COLORS[i % COLORS.length];

  function countPoints(data) {
    let n = 0;
    for (let s = 1; s < data.length; s++) for (const v of data[s]) if (v !== null && v !== undefined) n++;
    return n;
  }

  /**
   * A chart that keeps its uPlot instance across refreshes (setData), and rebuilds it when the set
   * of series changes (an offer was added) or the container was resized.
   */
  class Chart {
    constructor(name, title, opts) {
      this.name = name;
      this.opts = opts;
      this.plot = null;
      this.key = '';
      this.body = h('div', { class: 'chart-body' });
      this.el = h('figure', { class: 'chart', 'data-chart': name, 'data-points': 0 }, [h('figcaption', { text: title }), this.body]);
      this.width = 0;
      window.addEventListener('resize', () => this.resize());
    }

    size() {
      const w = Math.max(240, Math.floor(this.body.clientWidth || this.el.clientWidth || 300));
      return { width: w, height: Math.round(Math.min(260, Math.max(160, w * 0.45))) };
    }

    resize() {
      if (this.plot === null) return;
      const s = this.size();
      if (s.width !== this.width) {
        this.width = s.width;
        this.plot.setSize(s);
      }
    }

    /** labels: one per series after x; data: [x, ...series]. */
    set(labels, data) {
      const key = labels.join('\u0000');
      this.el.setAttribute('data-points', String(countPoints(data)));
      if (this.plot !== null && key === this.key) {
        this.plot.setData(data);
        return;
      }
      if (this.plot !== null) this.plot.destroy();
      this.key = key;
      const s = this.size();
      this.width = s.width;
      const series = [{}].concat(labels.map((label, i) => Object.assign({ label, stroke: color(i), width: 2, spanGaps: true, points: { show: true, size: 4 } }, (this.opts.series || {})[label] || {})));
      this.plot = new window.uPlot(
        Object.assign({}, this.opts.base, { width: s.width, height: s.height, series, legend: { show: true, live: false } }),
        data,
        this.body,
      );
    }
  }

  const percentAxis = { values: (u, ticks) => ticks.map((v) => Math.round(v * 100) + '%') };

  function timeChart(name, title, yRange) {
    return new Chart(name, title, {
      base: {
        scales: { x: { time: true }, y: yRange ? { range: yRange } : { auto: true } },
        axes: [{}, yRange && yRange[1] === 1 ? percentAxis : {}],
      },
    });
  }

  /** Reliability diagram: observed reward rate against mean predicted probability, with the diagonal. */
  function reliabilityChart() {
    return new Chart('calibration', 'Reliability: observed rate against predicted probability', {
      base: {
        scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
        axes: [Object.assign({ label: 'predicted' }, percentAxis), Object.assign({ label: 'observed' }, percentAxis)],
      },
      series: {
        'perfect calibration': { stroke: '#9ca3af', dash: [4, 4], width: 1, points: { show: false } },
        observed: { stroke: '#2563eb', width: 0, paths: () => null, points: { show: true, size: 8, fill: '#2563eb' } },
      },
    });
  }

  window.Nudge.charts = { timeChart, reliabilityChart, color };
})();
