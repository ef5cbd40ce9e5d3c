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

module.exports = { idealRead };
