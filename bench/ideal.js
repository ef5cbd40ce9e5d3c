// The ideal read path, in-process (no process start-up): version, environments, one stack list,
// then one file read per candidate stack and the environment's one runtime read (its compose
// containers) with `concurrency` in flight. A measured floor beside the theoretical one,
// (3 + ceil((N + 1) / concurrency)) × latency.
'use strict';
/* global fetch -- Node 20's global fetch */

/** A GET of the simulator's JSON that counts the requests it sends. */
function reader(url, apiKey) {
  const counter = { requests: 0 };
  const get = async (path) => {
    counter.requests++;
    const response = await fetch(url + path, { headers: { Accept: 'application/json', 'X-API-Key': apiKey } });
    const text = await response.text();
    if (!response.ok) throw new Error(`ideal: GET ${path} -> ${response.status}`);
    return JSON.parse(text);
  };
  return { get, counter };
}

/** `each` over `items`, `width` at a time. */
async function pool(items, width, each) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await each(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** The reads of one environment: its runtime read (compose containers) and each stack's file. */
function environmentPaths(environmentId, stacks) {
  const runtime = `/api/endpoints/${environmentId}/docker/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project'] }))}`;
  return [runtime, ...stacks.filter((s) => s.EndpointId === environmentId).map((s) => `/api/stacks/${s.Id}/file`)];
}

async function idealRead(url, { apiKey, environmentName, concurrency }) {
  const started = process.hrtime.bigint();
  const { get, counter } = reader(url, apiKey);
  await get('/api/status');
  const environment = (await get('/api/endpoints?excludeSnapshotRaw=true')).find((e) => e.Name === environmentName);
  const stacks = await get('/api/stacks');
  await pool(environmentPaths(environment.Id, stacks), concurrency, get);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, requests: counter.requests };
}

/**
 * The ideal read path of `converge --all`: one status, one environments list and one stack list
 * for the run, then each VM's reads (its runtime read and its files), `parallelVms` VMs at once
 * and `concurrency` reads per VM. With parallelVms = the number of VMs it is the floor of the
 * "VMs in parallel" limit on this simulator; with phoenix's --parallel-vms it is the floor of
 * phoenix's own schedule.
 */
async function idealReadMany(url, { apiKey, environmentNames, concurrency, parallelVms }) {
  const started = process.hrtime.bigint();
  const { get, counter } = reader(url, apiKey);
  await get('/api/status');
  const [environments, stacks] = await Promise.all([get('/api/endpoints?excludeSnapshotRaw=true'), get('/api/stacks')]);
  await pool(environmentNames, parallelVms, async (name) => {
    const id = environments.find((e) => e.Name === name).Id;
    await pool(environmentPaths(id, stacks), concurrency, get);
  });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, requests: counter.requests };
}

module.exports = { idealRead, idealReadMany };
