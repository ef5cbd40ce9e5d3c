// The per-stack client of the common peers (redeploy scripts, Ansible loops): log in, then for
// each declared stack, list every stack to find its id, and update it unconditionally with PUT,
// one stack at a time. Same simulator, same stacks as phoenix; used for the baseline/phoenix ratio.
'use strict';
/* global fetch -- Node 20's global fetch */

/**
 * @param url simulator base URL
 * @param stacks [{ name, composeText, env: [{name, value}] }] in config order
 * @returns {Promise<{ ms: number, requests: number, writes: number }>}
 */
async function perStackRedeploy(url, { username, password, endpointId, stacks }) {
  const started = process.hrtime.bigint();
  let requests = 0;
  let writes = 0;
  const call = async (method, path, body, jwt) => {
    requests++;
    if (method !== 'GET') writes++;
    const response = await fetch(url + path, {
      method,
      headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`baseline: ${method} ${path} -> ${response.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const { jwt } = await call('POST', '/api/auth', { username, password });
  writes--; // the login is a POST but not a write to a stack
  for (const stack of stacks) {
    const all = await call('GET', '/api/stacks', undefined, jwt);
    const live = all.find((s) => s.Name === stack.name && s.EndpointId === endpointId);
    if (!live) throw new Error(`baseline: stack ${stack.name} not found`);
    await call('PUT', `/api/stacks/${live.Id}?endpointId=${endpointId}`, { StackFileContent: stack.composeText, Env: stack.env, Prune: false }, jwt);
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, requests, writes };
}

module.exports = { perStackRedeploy };
