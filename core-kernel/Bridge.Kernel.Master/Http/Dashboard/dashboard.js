// The Bridge master's dashboard. Reads /api/v1/state (every 2 s, and at once after an operator event),
// /api/v1/panels (the hosting process's sections), /api/v1/events (the operator event stream as
// Server-Sent Events) and /api/v1/files/read (sandbox files through the master). No dependencies;
// every text from the server goes through textContent, never innerHTML.
"use strict";

const REFRESH_MS = 2000;
const HISTORY_POINTS = 150; // dominant shares kept per role: 5 minutes at one sample per refresh
const COLORS = ["#2f6fb3", "#d9822b", "#1e7b34", "#9c3fb0", "#b3261e", "#4a8f99", "#7a6a1d", "#555"];

const history = new Map(); // role -> [{t, share}]
let frameworksById = new Map();
let agentsById = new Map();
let sandbox = null; // {agentId, path, title, offset, timer}
let refreshQueued = false;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function fill(tableId, rows, empty) {
  const body = document.querySelector(`#${tableId} tbody`);
  const columns = document.querySelectorAll(`#${tableId} thead th`).length;
  body.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: columns }, empty))]));
}

const round = (x, digits = 2) => Number.isFinite(x) ? Number(x.toFixed(digits)) : 0;

function resources(r) {
  if (!r) return "";
  return Object.entries(r).map(([name, value]) => `${name}:${typeof value === "number" ? round(value) : value}`).join(" ");
}

function meter(used, total, label) {
  const fraction = total > 0 ? Math.min(1, used / total) : 0;
  return el("span", {}, el("span", { class: "meter" }, el("span", { style: `width:${(fraction * 100).toFixed(1)}%` })),
    label || `${round(used)} / ${round(total)}`);
}

function ago(seconds) {
  const s = Math.max(0, Date.now() / 1000 - seconds);
  return s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(0)} min` : `${(s / 3600).toFixed(1)} h`;
}

function frameworkName(id) {
  const f = frameworksById.get(id);
  return f ? f.name : id;
}

function agentName(id) {
  const a = agentsById.get(id);
  return a ? a.hostname : id;
}

function sandboxPath(task) {
  return task.executor_id ? `${task.framework_id}/executors/${task.executor_id}` : `${task.framework_id}/${task.id}`;
}

function renderHeader(state) {
  const m = state.master;
  document.getElementById("master").textContent = `master ${m.address} · ${m.hostname} · version ${m.version}`;
  const status = document.getElementById("status");
  status.textContent = m.offers_held ? "leading · offers held for recovering agents" : "leading";
  status.className = "pill ok";
}

function renderAgents(state) {
  const tasksPerAgent = new Map();
  for (const t of state.tasks) tasksPerAgent.set(t.agent_id, (tasksPerAgent.get(t.agent_id) || 0) + 1);
  const rows = state.agents.map(a => el("tr", { "data-agent-id": a.id },
    el("td", {}, a.hostname, el("br"), el("small", {}, a.id)),
    el("td", {}, a.active ? "active" : "inactive"),
    el("td", {}, meter(a.used_resources.cpus || 0, a.resources.cpus || 0)),
    el("td", {}, meter(a.used_resources.mem || 0, a.resources.mem || 0)),
    el("td", {}, resources(a.offered_resources)),
    el("td", { class: "num" }, tasksPerAgent.get(a.id) || 0)));
  for (const a of state.unreachable_agents) rows.push(el("tr", {}, el("td", {}, a.hostname), el("td", { class: "error" }, "unreachable"), el("td"), el("td"), el("td"), el("td")));
  for (const a of state.recovered_agents) rows.push(el("tr", {}, el("td", {}, a.hostname), el("td", {}, "awaiting re-registration"), el("td"), el("td"), el("td"), el("td")));
  fill("agents", rows, "no agents registered");
}

function renderRoles(state) {
  const now = state.master.time;
  for (const role of state.roles) {
    const points = history.get(role.name) || [];
    if (!points.length || points[points.length - 1].t !== now) points.push({ t: now, share: role.dominant_share });
    while (points.length > HISTORY_POINTS) points.shift();
    history.set(role.name, points);
  }
  fill("roles", state.roles.map(r => el("tr", { "data-role": r.name },
    el("td", {}, r.name),
    el("td", { class: "num" }, r.weight),
    el("td", {}, meter(r.dominant_share, 1, `${(r.dominant_share * 100).toFixed(1)}%`)),
    el("td", {}, resources(r.allocated)),
    el("td", {}, resources(r.quota && r.quota.guarantee)),
    el("td", {}, (r.frameworks || []).map(frameworkName).join(", ")))), "no roles yet");
  drawShares(now);
}

function drawShares(now) {
  const svg = document.getElementById("shares");
  const legend = document.getElementById("shares-legend");
  const width = 480, height = 200, left = 34, bottom = 18, span = HISTORY_POINTS * REFRESH_MS / 1000;
  const ns = "http://www.w3.org/2000/svg";
  const shape = (tag, attributes) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    return node;
  };
  const x = t => left + (width - left - 4) * (1 - Math.min(span, now - t) / span);
  const y = share => 4 + (height - bottom - 4) * (1 - Math.min(1, share));
  const nodes = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    nodes.push(shape("line", { x1: left, x2: width - 4, y1: y(tick), y2: y(tick), stroke: "#e3e7eb" }));
    const label = shape("text", { x: 2, y: y(tick) + 4, "font-size": 10, fill: "#66707a" });
    label.textContent = `${tick * 100}%`;
    nodes.push(label);
  }
  const axis = shape("text", { x: left, y: height - 4, "font-size": 10, fill: "#66707a" });
  axis.textContent = `last ${span / 60} min`;
  nodes.push(axis);
  const legendItems = [];
  [...history.keys()].sort().forEach((role, i) => {
    const color = COLORS[i % COLORS.length];
    const points = history.get(role).map(p => `${x(p.t).toFixed(1)},${y(p.share).toFixed(1)}`).join(" ");
    nodes.push(shape("polyline", { points, fill: "none", stroke: color, "stroke-width": 2, "data-role": role }));
    legendItems.push(el("span", { style: `color:${color}` }, `■ ${role}`));
  });
  svg.replaceChildren(...nodes);
  legend.replaceChildren(...legendItems);
}

function renderFrameworks(state) {
  const tasksPerFramework = new Map();
  for (const t of state.tasks) tasksPerFramework.set(t.framework_id, (tasksPerFramework.get(t.framework_id) || 0) + 1);
  fill("frameworks", state.frameworks.map(f => el("tr", { "data-framework-id": f.id },
    el("td", {}, f.name, el("br"), el("small", {}, f.id)),
    el("td", {}, (f.roles || []).join(", ")),
    el("td", {}, f.connected ? "yes" : "no (failing over)"),
    el("td", { class: "num" }, tasksPerFramework.get(f.id) || 0),
    el("td", {}, resources(f.used_resources)),
    el("td", {}, resources(f.offered_resources)))), "no frameworks subscribed");
}

function renderTasks(state) {
  const all = state.tasks.concat(state.unreachable_tasks, state.completed_tasks.slice(-50).reverse());
  const counts = {};
  for (const t of state.tasks) counts[t.state] = (counts[t.state] || 0) + 1;
  document.getElementById("task-counts").textContent =
    Object.entries(counts).map(([s, n]) => `${n} ${s.replace("TASK_", "").toLowerCase()}`).join(", ") + ` · ${state.completed_tasks.length} completed`;
  fill("tasks", all.map(t => {
    const path = sandboxPath(t);
    const link = file => el("a", { href: "#", "data-file": file, onclick: e => { e.preventDefault(); openSandbox(t.agent_id, `${path}/${file}`, `${t.id} ${file} on ${agentName(t.agent_id)}`); } }, file);
    return el("tr", { "data-task-id": t.id },
      el("td", {}, t.name || t.id, el("br"), el("small", {}, t.id)),
      el("td", {}, frameworkName(t.framework_id)),
      el("td", {}, agentName(t.agent_id)),
      el("td", { class: `state-${t.state}` }, t.state),
      el("td", {}, t.role),
      el("td", {}, resources(t.resources)),
      el("td", {}, link("stdout"), " ", link("stderr")));
  }), "no tasks");
}

function renderOffers(state) {
  fill("offers", state.offers.map(o => el("tr", { "data-offer-id": o.id },
    el("td", {}, el("small", {}, o.id)),
    el("td", {}, frameworkName(o.framework_id)),
    el("td", {}, o.hostname),
    el("td", {}, o.role),
    el("td", {}, resources(o.resources)),
    el("td", {}, ago(o.offered_time)))), "no offers outstanding");
  fill("declines", state.recent_declines.slice().reverse().map(d => el("tr", {},
    el("td", {}, `${ago(d.time)} ago`),
    el("td", {}, frameworkName(d.framework_id)),
    el("td", {}, d.hostname),
    el("td", {}, resources(d.resources)),
    el("td", {}, `${round(d.refuse_seconds)} s`),
    el("td", { class: "reason" }, d.reason || "(no reason given)"))), "no offer declined yet");
}

async function refresh() {
  try {
    const response = await fetch("/api/v1/state", { cache: "no-store" });
    if (!response.ok) throw new Error(`state: ${response.status} ${await response.text()}`);
    const state = await response.json();
    frameworksById = new Map(state.frameworks.concat(state.completed_frameworks).map(f => [f.id, f]));
    agentsById = new Map(state.agents.map(a => [a.id, a]));
    renderHeader(state);
    renderAgents(state);
    renderRoles(state);
    renderFrameworks(state);
    renderTasks(state);
    renderOffers(state);
  } catch (error) {
    await showNotLeading(error);
  }
}

async function showNotLeading(error) {
  const status = document.getElementById("status");
  status.className = "pill bad";
  try {
    const health = await (await fetch("/health", { cache: "no-store" })).json();
    if (!health.leader) {
      status.replaceChildren("standby: ", health.leader_address ? el("a", { href: health.leader_address + "/" }, "the leader's dashboard") : "no leader elected yet");
      return;
    }
  } catch (_) { /* the master is down */ }
  status.textContent = `cannot read the state: ${error.message}`;
}

async function refreshPanels() {
  const container = document.getElementById("panels");
  try {
    const panels = await (await fetch("/api/v1/panels", { cache: "no-store" })).json();
    container.replaceChildren(...panels.map(p => el("section", { "data-panel": p.title },
      el("h2", {}, p.title),
      p.error ? el("p", { class: "error" }, p.error) : null,
      p.tables.map(t => [
        el("h3", {}, t.caption),
        el("table", {}, el("thead", {}, el("tr", {}, t.columns.map(c => el("th", {}, c)))),
          el("tbody", {}, t.rows.length ? t.rows.map(r => el("tr", {}, r.map(c => el("td", {}, c)))) : el("tr", {}, el("td", { colspan: t.columns.length }, "none")))),
      ]))));
  } catch (_) {
    container.replaceChildren();
  }
}

function queueRefresh() {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => { refreshQueued = false; refresh(); }, 250);
}

function describe(type, e) {
  switch (type) {
    case "TASK_ADDED": return `task ${e.task_added.task.task_id.value} added on ${agentName(e.task_added.task.agent_id.value)}`;
    case "TASK_UPDATED": return `task ${e.task_updated.status.task_id.value} ${e.task_updated.state}` + (e.task_updated.status.message ? `: ${e.task_updated.status.message}` : "");
    case "AGENT_ADDED": return `agent ${e.agent_added.agent.agent_info.hostname} added`;
    case "AGENT_REMOVED": return `agent ${agentName(e.agent_removed.agent_id.value)} removed`;
    case "FRAMEWORK_ADDED": return `framework ${e.framework_added.framework.framework_info.name} added`;
    case "FRAMEWORK_UPDATED": return `framework ${e.framework_updated.framework.framework_info.name} updated`;
    case "FRAMEWORK_REMOVED": return `framework ${e.framework_removed.framework_info.name} removed`;
    case "OFFERS_SUMMARY": {
      const s = e.offers_summary;
      document.getElementById("offer-rates").textContent =
        `last ${round(s.window_seconds, 1)} s: ${s.offers_made || 0} made, ${s.offers_declined || 0} declined, ${s.offers_rescinded || 0} rescinded, ${s.offers_outstanding || 0} outstanding`;
      return null;
    }
    default: return type.toLowerCase();
  }
}

function subscribe() {
  const source = new EventSource("/api/v1/events");
  const log = document.getElementById("events");
  for (const type of ["SUBSCRIBED", "TASK_ADDED", "TASK_UPDATED", "AGENT_ADDED", "AGENT_REMOVED", "FRAMEWORK_ADDED", "FRAMEWORK_UPDATED", "FRAMEWORK_REMOVED", "OFFERS_SUMMARY"]) {
    source.addEventListener(type, message => {
      let text;
      try { text = describe(type, JSON.parse(message.data)); } catch (error) { text = `${type} (unreadable: ${error.message})`; }
      if (text) {
        log.prepend(el("li", { "data-type": type }, `${new Date().toLocaleTimeString()} ${text}`));
        while (log.children.length > 100) log.lastChild.remove();
      }
      if (type !== "OFFERS_SUMMARY") queueRefresh();
    });
  }
  // EventSource reconnects by itself after an error (a failover, a restart).
}

async function readSandbox() {
  if (!sandbox) return;
  const query = new URLSearchParams({ agent_id: sandbox.agentId, path: sandbox.path, offset: sandbox.offset, length: 65536 });
  const text = document.getElementById("sandbox-text");
  try {
    const response = await fetch(`/api/v1/files/read?${query}`, { cache: "no-store" });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.status);
    if (body.data) {
      text.append(body.data);
      text.scrollTop = text.scrollHeight;
    }
    sandbox.offset = body.offset + new TextEncoder().encode(body.data).length;
  } catch (error) {
    text.append(el("span", { class: "error" }, `\n[${error.message}]\n`));
    clearInterval(sandbox.timer);
  }
}

function openSandbox(agentId, path, title) {
  if (sandbox) clearInterval(sandbox.timer);
  sandbox = { agentId, path, offset: 0, timer: setInterval(readSandbox, 1000) };
  document.getElementById("sandbox-title").textContent = title;
  document.getElementById("sandbox-text").replaceChildren();
  document.getElementById("sandbox").hidden = false;
  readSandbox();
}

document.getElementById("sandbox-close").addEventListener("click", () => {
  if (sandbox) clearInterval(sandbox.timer);
  sandbox = null;
  document.getElementById("sandbox").hidden = true;
});

refresh();
refreshPanels();
subscribe();
setInterval(refresh, REFRESH_MS);
setInterval(refreshPanels, REFRESH_MS);
