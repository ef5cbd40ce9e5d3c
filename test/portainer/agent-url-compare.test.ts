/**
 * Review of issue 14 (docs/configuration.md, agent VMs: "URLs compare as host and port, case-insensitively, with or without
 * tcp://"). compareAgentUrls() compares IPv6 hosts as strings, so one address written two ways
 * (an agent registered by hand as tcp://[FD00:0:0:0:0:0:0:13]:9001, the config's
 * network_config.ip fd00::13/64) is called "different": a false conflict (73) that blocks the VM,
 * and that the hint tells the operator to "fix" by changing a correct config.
 */
import { compareAgentUrls, environmentNamed } from '../../src/portainer';

describe('review: compareAgentUrls with IPv6 addresses', () => {
  it.each([
    ['tcp://[FD00:0:0:0:0:0:0:13]:9001', 'tcp://[fd00::13]:9001'],
    ['tcp://[fd00:0000::0013]:9001', 'tcp://[fd00::13]:9001'],
  ])('%s and %s are the same address and port', (live, wanted) => {
    expect(compareAgentUrls(live, wanted)).toBe('same');
  });

  it.each([
    ['tcp://[fd00::14]:9001', 'tcp://[fd00::13]:9001', 'different'],
    ['tcp://[FD00::13]:9002', 'tcp://[fd00::13]:9001', 'different'],
    ['tcp://newvm.lan:9001', 'tcp://[fd00::13]:9001', 'undecidable'],
    ['[fd00:0:0:0:0:0:0:13]:9001', 'tcp://[fd00::13]:9001', 'same'],
  ] as const)('%s and %s are %s', (live, wanted, verdict) => {
    expect(compareAgentUrls(live, wanted)).toBe(verdict);
  });
});

describe('environmentNamed: the one lookup of a configured environment name', () => {
  const envs = [
    { id: 1, name: 'Web' },
    { id: 2, name: 'web' },
    { id: 3, name: 'a\r\nb' },
  ];
  it('exact first, then as the form carried it (CRLF), then in any case; nothing else', () => {
    expect(environmentNamed(envs, 'web')?.id).toBe(2);
    expect(environmentNamed(envs, 'Web')?.id).toBe(1);
    expect(environmentNamed(envs, 'WEB')?.id).toBe(1);
    expect(environmentNamed(envs, 'a\nb')?.id).toBe(3);
    expect(environmentNamed(envs, 'A\nB')?.id).toBe(3);
    expect(environmentNamed(envs, 'web2')).toBeUndefined();
  });
});
