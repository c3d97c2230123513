// writeFileAtomic keeps the replaced file's permission bits (a 0600 file never becomes 0644) and makes
// the rename durable by flushing the folder after it. The folder flush is observed by wrapping
// node:fs/promises' open: the folder must be opened and synced after the rename.

import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const events: string[] = [];

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof real.open = async (path, flags, mode) => {
    const handle = await real.open(path, flags, mode);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      events.push(`sync ${String(path)}`);
      return sync();
    };
    return handle;
  };
  const rename: typeof real.rename = async (from, to) => {
    events.push(`rename ${String(to)}`);
    return real.rename(from, to);
  };
  return { ...real, default: { ...real, open, rename }, open, rename };
});

const { writeFileAtomic } = await import('../../src-core/fsio/atomic.js');

const root = mkdtempSync(join(tmpdir(), 'catnet-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('writeFileAtomic', () => {
  it('keeps the mode of the file it replaces (0600 stays 0600, 0640 stays 0640)', async () => {
    for (const bits of [0o600, 0o640, 0o604]) {
      const file = join(root, `secret-${bits.toString(8)}.json`);
      writeFileSync(file, 'old');
      chmodSync(file, bits);
      await writeFileAtomic(file, 'new');
      expect(readFileSync(file, 'utf8')).toBe('new');
      expect(mode(file).toString(8)).toBe(bits.toString(8));
    }
  });

  it('creates a new file as 0644 minus the umask, as before', async () => {
    const file = join(root, 'fresh.json');
    await writeFileAtomic(file, 'x');
    expect(mode(file)).toBe(0o644 & ~process.umask());
  });

  it('flushes the folder after the rename', async () => {
    const file = join(root, 'durable.json');
    events.length = 0;
    await writeFileAtomic(file, 'x');
    const renamed = events.indexOf(`rename ${file}`);
    expect(renamed).toBeGreaterThanOrEqual(0);
    expect(events.slice(renamed + 1)).toContain(`sync ${root}`);
  });
});
