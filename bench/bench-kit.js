// What the bench programs share: processes in their own process groups (killed by group at exit), free loopback
// ports, CPU and memory from /proc (a process group's CPU, a process's RSS, the machine's load), a /health probe,
// waiting for a quiet machine, and the tables and medians they print. Linux only, like the benches themselves; 127.0.0.1 only.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Starts processes in their own process groups, logging to a temp file each, and kills every group at exit. */
export function processGroups(logPrefix, cwd, baseEnv) {
  const started = [];
  const groupAlive = (pgid) => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  function start(name, cmd, args, extraEnv) {
    const logPath = path.join(os.tmpdir(), `${logPrefix}-${process.pid}-${name}.log`);
    const fd = fs.openSync(logPath, 'w');
    const child = spawn(cmd, args, { cwd, env: { ...baseEnv, ...extraEnv }, stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    started.push({ name, pid: child.pid });
    return { pid: child.pid, logPath };
  }
  function killAll() {
    for (const p of started)
      try {
        process.kill(-p.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    const t = Date.now();
    while (Date.now() - t < 2000 && started.some((p) => groupAlive(p.pid))) spawnSync('sleep', ['0.1']);
    for (const p of started)
      if (groupAlive(p.pid))
        try {
          process.kill(-p.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    started.length = 0;
  }
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));
  return { start, killAll, groupAlive };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU (µs) the processes of a process group have used so far. */
export function groupCpuUs(pgid) {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pgid) ticks += Number(rest[11]) + Number(rest[12]);
  }
  return (ticks / CLK_TCK) * 1e6;
}

/**
 * Like groupCpuUs, to the nanosecond: each live thread's run time from /proc/<pid>/task/<tid>/schedstat, where the
 * tick counts of /proc/<pid>/stat move in steps of 1/CLK_TCK s (10 ms — 100 µs per stream in a block of 100
 * streams, a tenth of what a stream costs). A thread that has exited is no longer counted, so use it across a
 * window in which the group's threads live on (a gateway's do), and groupCpuUs where processes come and go.
 */
export function groupRunUs(pgid) {
  let ns = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      for (const task of fs.readdirSync(`/proc/${entry}/task`)) ns += Number(fs.readFileSync(`/proc/${entry}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      continue; // gone meanwhile
    }
  }
  return ns / 1000;
}

/** A process's resident memory (VmRSS) in KiB. */
export function rssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
}

/** GET /health on 127.0.0.1:`port` on a fresh connection; resolves with the status, or 0 when nothing answers yet. */
export function health(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** The machine's busy ticks (user, nice, system) so far. */
export function busyTicks() {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return fields[0] + fields[1] + fields[2];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (QUIET_WAIT_S at most, default 10) until the machine is below QUIET_PCT% busy (default 15); returns the last reading. */
export async function waitQuiet(env) {
  const limit = Number(env.QUIET_PCT || 15);
  const until = Date.now() + Number(env.QUIET_WAIT_S ?? 10) * 1000;
  for (;;) {
    const before = busyTicks();
    await sleep(500);
    const pct = ((busyTicks() - before) / CLK_TCK / 0.5) * 100;
    if (pct <= limit || Date.now() > until) return pct;
  }
}

export const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A plain-text table: the first column left-aligned, the others right-aligned, as the harness prints them. */
export function table(headers, rows) {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => String(row[index]).length)));
  const line = (row) => row.map((cell, index) => (index === 0 ? String(cell).padEnd(widths[index]) : String(cell).padStart(widths[index]))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
