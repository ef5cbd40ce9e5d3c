// Runs the CLI of the build snapshot as a child process, asynchronously (the simulator answers
// from this process), and times it from spawn to exit.
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const http = require('node:http');
const { Buffer } = require('node:buffer');
const { setTimeout, clearTimeout } = require('node:timers');

const PROBE = join(__dirname, 'rss-probe.js');

/** Variables of the caller that would change what the CLI does (url, config, token file...). */
const SCRUB = /^(PORTAINER_|PHOENIX_|NODE_OPTIONS$|DEBUG$)/;

function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!SCRUB.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * @returns {Promise<{ code: number, ms: number, stdout: string, stderr: string, maxRssKiB?: number, cpuMs?: number }>}
 */
function run(command, args, { cwd, env, rss = false, timeoutMs = 120_000 } = {}) {
  const rssFile = rss ? join(tmpdir(), `phoenix-bench-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`) : undefined;
  const argv = rss ? ['--require', PROBE, ...args] : args;
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, {
      cwd,
      env: cleanEnv({ ...env, ...(rssFile ? { PHOENIX_BENCH_RSS_OUT: rssFile } : {}) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      let maxRssKiB;
      let cpuMs;
      if (rssFile) {
        try {
          [maxRssKiB, cpuMs] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
          rmSync(rssFile, { force: true });
        } catch {
          maxRssKiB = undefined;
          cpuMs = undefined;
        }
      }
      resolve({
        code: code ?? (signal ? 128 : 1),
        signal,
        startedAt,
        ms,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        maxRssKiB,
        cpuMs,
      });
    });
  });
}

/** The phoenix CLI of a build snapshot. */
function phoenix(snapshot, args, options) {
  return run(process.execPath, [join(snapshot, 'bin', 'run.js'), ...args], options);
}

/**
 * The time the simulator (same process) finished its last answer: node:http's
 * ServerResponse.end is wrapped once, so "network phase" = last answer − first arrival.
 */
let lastAnswerAt = 0;
let hooked = false;
function hookAnswerClock() {
  if (hooked) return;
  hooked = true;
  const end = http.ServerResponse.prototype.end;
  http.ServerResponse.prototype.end = function patchedEnd(...args) {
    lastAnswerAt = Date.now();
    return end.apply(this, args);
  };
}
const lastAnswer = () => lastAnswerAt;

module.exports = { run, phoenix, hookAnswerClock, lastAnswer, cleanEnv };
