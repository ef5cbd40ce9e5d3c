// The ideal read path, in-process (no process start-up): version, environments, one stack list,
// then one file read per candidate stack and the environment's one runtime read (its compose
// containers) with `concurrency` in flight. A measured floor beside the theoretical one,
// (3 + ceil((N + 1) / concurrency)) × latency.
'use strict';
/* global fetch -- Node 20's global fetch */

async function idealRead(url, { apiKey, environmentName, concurrency }) {
  const started = process.hrtime.bigint();
  let requests = 0;
  const get = async (path) => {
    requests++;
    const response = await fetch(url + path, { headers: { Accept: 'application/json', 'X-API-Key': apiKey } });
    const text = await response.text();
    if (!response.ok) throw new Error(`ideal: GET ${path} -> ${response.status}`);
    return JSON.parse(text);
  };
  await get('/api/status');
  const environment = (await get('/api/endpoints?excludeSnapshotRaw=true')).find((e) => e.Name === environmentName);
  const stacks = (await get('/api/stacks')).filter((s) => s.EndpointId === environment.Id);
  const runtime = `/api/endpoints/${environment.Id}/docker/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project'] }))}`;
  const paths = [runtime, ...stacks.map((s) => `/api/stacks/${s.Id}/file`)];
  let next = 0;
  const worker = async () => {
    while (next < paths.length) await get(paths[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, requests };
}

/**
 * The ideal read path of `converge --all`: one status, one environments list and one stack list
 * for the run, then each VM's files, `parallelVms` VMs at once and `concurrency` reads per VM.
 * With parallelVms = the number of VMs it is the floor of the "VMs in parallel" limit on this
 * simulator; with phoenix's --parallel-vms it is the floor of phoenix's own schedule.
 */
async function idealReadMany(url, { apiKey, environmentNames, concurrency, parallelVms }) {
  const started = process.hrtime.bigint();
  let requests = 0;
  const get = async (path) => {
    requests++;
    const response = await fetch(url + path, { headers: { Accept: 'application/json', 'X-API-Key': apiKey } });
    const text = await response.text();
    if (!response.ok) throw new Error(`ideal: GET ${path} -> ${response.status}`);
    return JSON.parse(text);
  };
  await get('/api/status');
  const [environments, all] = await Promise.all([get('/api/endpoints?excludeSnapshotRaw=true'), get('/api/stacks')]);
  const pool = async (items, width, each) => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await each(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  };
  await pool(environmentNames, parallelVms, async (name) => {
    const id = environments.find((e) => e.Name === name).Id;
    await pool(
      all.filter((s) => s.EndpointId === id),
      concurrency,
      (s) => get(`/api/stacks/${s.Id}/file`),
    );
  });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, requests };
}

module.exports = { idealRead, idealReadMany };
