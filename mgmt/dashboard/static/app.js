// SARA live dashboard: polls the API every second, keeps HISTORY samples in
// memory and draws SVG line charts. Plain JavaScript, no framework.
"use strict";

const API = "/api/v1";
const PERIOD_MS = 1000;
const HISTORY = 300; // samples kept: five minutes at one per second
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];
const SVGNS = "http://www.w3.org/2000/svg";

// The read token, if any, comes from the URL fragment (#token=...) and is
// kept for the browser session; it is never put in a query string.
const token = (() => {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem("sara-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("sara-token");
})();

const samples = []; // {t, status, servers, admission}
let prev = null;    // previous sample, for rates

async function get(path) {
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const r = await fetch(API + path, { headers, cache: "no-store" });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

function $(id) { return document.getElementById(id); }
function fmt(v, d) { return (v === undefined || v === null || isNaN(v)) ? "–" : Number(v).toFixed(d); }

function setBadge(el, text, cls) { el.textContent = text; el.className = "badge " + (cls || ""); }

async function poll() {
  try {
    const [status, servers, admission] = await Promise.all([get("/status"), get("/servers"), get("/admission")]);
    // the x axis is the dispatcher's clock (status.now), not the browser's
    const t = Date.parse(status.now) / 1000 || Date.now() / 1000;
    const s = { t, status, servers, admission, newRate: NaN, dropRate: NaN, drops: {} };
    if (prev) {
      const dt = t - prev.t;
      if (dt > 0) {
        s.newRate = (status.sessions_created - prev.status.sessions_created) / dt;
        const d0 = prev.status.totals.drops || {}, d1 = status.totals.drops || {};
        let sum = 0;
        for (const k of Object.keys(d1)) { s.drops[k] = ((d1[k] || 0) - (d0[k] || 0)) / dt; sum += s.drops[k]; }
        s.dropRate = sum;
      }
    }
    samples.push(s);
    if (samples.length > HISTORY) samples.shift();
    prev = s;
    render(s);
    setBadge($("conn"), "live", "ok");
  } catch (e) {
    const hint = /HTTP 401|HTTP 403/.test(e.message) ? " (open the page as /#token=<read token>)" : "";
    setBadge($("conn"), "disconnected: " + e.message + hint, "bad");
  }
}

function render(s) {
  const st = s.status, adm = s.admission;
  $("node").textContent = st.node + " · " + st.version;
  setBadge($("role"), st.role, "");
  const regionCls = { "accept": "ok", "drop-new": "warn", "established-only": "warn" }[adm.region] || "bad";
  setBadge($("region"), "admission: " + adm.region, regionCls);
  $("t-servers").textContent = st.servers_active + " / " + st.servers;
  $("t-sessions").textContent = st.sessions;
  $("t-newrate").textContent = fmt(s.newRate, 1);
  $("t-mpps").textContent = fmt(st.mpps, 3);
  $("t-drops").textContent = fmt(s.dropRate, 1);
  $("t-adm").textContent = fmt(adm.load, 2) + " · " + fmt(adm.p_new, 2) + " · " + fmt(adm.p_est, 3);
  renderServers(s.servers);
  renderDrops(st.totals.drops || {}, s.drops);
  drawCharts();
  $("updated").textContent = "updated " + new Date().toLocaleTimeString() + " · " + samples.length + " samples";
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
}

function renderServers(servers) {
  const body = $("servers").tBodies[0];
  body.replaceChildren();
  for (const v of servers) {
    const tr = document.createElement("tr");
    tr.dataset.server = v.name;
    cell(tr, v.name);
    cell(tr, v.state, "state st-" + v.state);
    cell(tr, v.has_load ? fmt(v.load, 3) : "–");
    cell(tr, fmt(v.forecast, 3));
    cell(tr, fmt(v.estimate, 3));
    cell(tr, fmt(v.error, 2));
    cell(tr, v.sessions);
    cell(tr, v.packets);
    cell(tr, v.has_load ? fmt(v.vector.cpu, 2) : "–");
    cell(tr, v.has_load ? fmt(v.vector.backlog, 2) : "–");
    cell(tr, v.reason || "");
    body.appendChild(tr);
  }
}

function renderDrops(totals, rates) {
  const body = $("drops").tBodies[0];
  body.replaceChildren();
  for (const k of Object.keys(totals).sort()) {
    const tr = document.createElement("tr");
    cell(tr, k); cell(tr, totals[k]); cell(tr, fmt(rates[k], 1));
    body.appendChild(tr);
  }
}

// series: {name, color, dash, pts: [[t, v]...]}; yMax: fixed top or null.
function chart(svg, legend, series, yMax) {
  const W = svg.clientWidth || 600, H = svg.clientHeight || 200, L = 40, R = 8, T = 8, B = 18;
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.replaceChildren();
  const all = series.flatMap(s => s.pts.filter(p => isFinite(p[1])));
  const t1 = samples.length ? samples[samples.length - 1].t : 0, t0 = t1 - HISTORY;
  let top = yMax;
  if (!top) top = Math.max(1e-9, ...all.map(p => p[1])) * 1.1;
  const x = t => L + (t - t0) / (t1 - t0 || 1) * (W - L - R);
  const y = v => H - B - Math.min(v, top) / top * (H - T - B);
  const el = (name, attrs, text) => {
    const e = document.createElementNS(SVGNS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };
  for (let i = 0; i <= 4; i++) {
    const v = top * i / 4;
    el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: i ? "grid" : "axis" });
    el("text", { x: L - 4, y: y(v) + 3, "text-anchor": "end" }, v >= 100 ? v.toFixed(0) : v.toPrecision(2));
  }
  el("text", { x: L, y: H - 4 }, "−" + HISTORY + " s");
  el("text", { x: W - R, y: H - 4, "text-anchor": "end" }, "now");
  legend.replaceChildren();
  for (const s of series) {
    const pts = s.pts.filter(p => isFinite(p[1]));
    if (pts.length) {
      el("polyline", { points: pts.map(p => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" "),
        fill: "none", stroke: s.color, "stroke-width": 1.6, "stroke-dasharray": s.dash || "" });
    }
    const span = document.createElement("span");
    const sw = document.createElement("i");
    sw.style.background = s.color;
    span.append(sw, s.name);
    legend.appendChild(span);
  }
}

function drawCharts() {
  const names = samples.length ? samples[samples.length - 1].servers.map(v => v.name) : [];
  const srv = [];
  names.forEach((n, i) => {
    const c = COLORS[i % COLORS.length];
    const pick = f => samples.map(s => { const v = s.servers.find(q => q.name === n); return [s.t, v ? f(v) : NaN]; });
    srv.push({ name: n + " load", color: c, pts: pick(v => v.has_load ? v.load : NaN) });
    srv.push({ name: n + " forecast", color: c, dash: "4 3", pts: pick(v => v.forecast) });
  });
  chart($("c-servers"), $("l-servers"), srv, 1.0);
  const a = f => samples.map(s => [s.t, f(s.admission)]);
  chart($("c-cluster"), $("l-cluster"), [
    { name: "l", color: "#1d2330", pts: a(x => x.load) },
    { name: "l_c", color: "#1f77b4", pts: a(x => x.cluster_load) },
    { name: "T1", color: "#2ca02c", dash: "6 3", pts: a(x => x.t1) },
    { name: "T2", color: "#ff7f0e", dash: "6 3", pts: a(x => x.t2) },
    { name: "T3", color: "#d62728", dash: "6 3", pts: a(x => x.t3) },
    { name: "p_new", color: "#9467bd", pts: a(x => x.p_new) },
    { name: "p_est", color: "#8c564b", pts: a(x => x.p_est) },
  ], 1.0);
  chart($("c-sessions"), $("l-sessions"), [
    { name: "sessions", color: "#1f77b4", pts: samples.map(s => [s.t, s.status.sessions]) },
    { name: "new/s", color: "#2ca02c", pts: samples.map(s => [s.t, s.newRate]) },
  ], null);
  chart($("c-traffic"), $("l-traffic"), [
    { name: "Mpps", color: "#1f77b4", pts: samples.map(s => [s.t, s.status.mpps]) },
    { name: "drops, M/s", color: "#d62728", pts: samples.map(s => [s.t, s.dropRate / 1e6]) },
  ], null);
}

poll();
setInterval(poll, PERIOD_MS);
