import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('generated contracts', () => {
  it('should match what proto/ generates today', () => {
    const root = resolve(__dirname, '../../..');

    // Throws (non-zero exit) with the diff when someone edited proto/ without regenerating.
    const sut = execFileSync('bash', ['scripts/generate-contracts.sh', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });

    expect(sut).toContain('up to date');
  });
});
