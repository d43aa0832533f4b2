import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('npm run email:preview', () => {
  it('when the brand settings are set, then the previews use them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otp-preview-'));
    try {
      const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/email-preview.ts', dir], {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          EMAIL_PRODUCT_NAME: 'Brandtest Cloud',
          EMAIL_PRIMARY_COLOR: '#ab12cd',
          EMAIL_LOGO_URL: 'https://cdn.example.com/logo.png',
          PUBLIC_BASE_URL: 'https://login.brandtest.example',
        },
      });
      expect(run.status).toBe(0);
      const html = readFileSync(join(dir, 'en.html'), 'utf8');
      expect(html).toContain('Brandtest Cloud');
      expect(html).toContain('#ab12cd');
      expect(html).toContain('https://cdn.example.com/logo.png');
      // The code email carries its sign-in link, on the public address, in both parts.
      expect(html).toMatch(/href="https:\/\/login\.brandtest\.example\/v1\/auth\/magic\/[\w-]+"/);
      expect(readFileSync(join(dir, 'de.txt'), 'utf8')).toContain(
        'https://login.brandtest.example/v1/auth/magic/',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
