// Fault: the app process is killed (SIGKILL, no clean-up handlers) while it saves the model. The
// previous file must be intact (it loads, and is one complete save: every parameter the same k/1000,
// at least as new as the last save reported), and the next start removes the temporary files the
// killed process left behind.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleTemporaries } from '../../src-core/fsio/atomic.js';
import { loadModelFile } from '../../src-core/onnx/model-file.js';
import { ModelKeeper } from '../../src-main/services/model.js';
import { PROJECT_FILE, ProjectStore } from '../../src-main/services/project.js';
import { bundleTestScript } from '../helpers/crash-harness.js';

const KILLS = Number(process.env.CATNET_KILLS ?? 4);

/** A pid that certainly does not run: a child that has exited (its pid is not reused this fast). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('killed while saving the model', () => {
  let script: string;
  let dir: string;
  const outcomes: string[] = [];

  beforeAll(async () => {
    script = await bundleTestScript('test/reliability/save-loop-child.ts');
    dir = mkdtempSync(join(tmpdir(), 'catnet-kill-'));
  });

  afterAll(() => {
    rmSync(script, { force: true });
    rmSync(`${script}.map`, { force: true });
    rmSync(dir, { recursive: true, force: true });
    console.info(`killed during save:\n  ${outcomes.join('\n  ')}`);
  });

  it(`SIGKILL at random moments (${KILLS} times): the file is one complete save; start-up removes the .tmp`, async () => {
    const keeper = new ModelKeeper(dir);
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let tmpSeen = 0;
    for (let trial = 0; trial < KILLS; trial++) {
      const mode = trial % 2 === 0 ? 'write' : 'verify';
      const child = spawn(process.execPath, [script, keeper.lastModelPath, mode], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let lastSaved = 0;
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          const numbers = [...c.toString().matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
          if (numbers.length > 0) lastSaved = Math.max(lastSaved, ...numbers);
          if (lastSaved > 0) resolve();
        });
        void exited.then(() => reject(new Error(`the saving child exited early: ${stderr}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, random() * (mode === 'write' ? 80 : 400)));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const leftovers = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
      tmpSeen += leftovers.length > 0 ? 1 : 0;
      const model = await loadModelFile(keeper.lastModelPath); // throws if the file is damaged
      const c = model.params.W[0]![0]!;
      const k = Math.round(c * 1000);
      for (const a of [...model.params.W, ...model.params.b]) for (const v of a) expect(v).toBe(c);
      expect(k).toBeGreaterThanOrEqual(lastSaved);
      outcomes.push(
        `kill ${trial + 1} (${mode}): last reported save ${lastSaved}, file holds save ${k}, ${leftovers.length} .tmp left`,
      );

      // The next start: restore() cleans up, then loads.
      expect(await keeper.restore(true)).toBeUndefined();
      expect(keeper.model).not.toBeNull();
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
    outcomes.push(`${tmpSeen} of ${KILLS} kills landed inside a write (left a .tmp)`);
  }, 240_000);

  it("start-up cleanup removes dead processes' temporaries of the model and project, and nothing else", async () => {
    const userData = mkdtempSync(join(tmpdir(), 'catnet-stale-'));
    try {
      const dead = await deadPid();
      const names = {
        staleModel: `.last-model.onnx.${dead}.a1b2c3.tmp`,
        staleProject: `.${PROJECT_FILE}.${dead}.d4e5f6.tmp`,
        liveWriter: `.last-model.onnx.${process.ppid}.aaaaaa.tmp`, // a running process may be mid-write
        notOurs: 'notes.tmp',
        other: `.other.onnx.${dead}.a1b2c3.tmp`,
      };
      for (const n of Object.values(names)) writeFileSync(join(userData, n), 'partial');
      await new ModelKeeper(userData).restore(false);
      await new ProjectStore(userData).load();
      expect(readdirSync(userData).sort()).toEqual([names.liveWriter, names.notOurs, names.other].sort());
      expect(await removeStaleTemporaries(join(userData, 'missing-folder', 'x'))).toEqual([]);
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
