// Load: 20,000 generated images imported and trained on through browser mode while the UI is open in
// Chromium. Measured and printed: import and training time, the page's responsiveness (how late a
// 50 ms timer fires in the page: its event loop), the server's API latency, the server's peak memory
// and the page's JS heap. Asserted with wide bounds (the machine is shared): the page never freezes
// for seconds, the API keeps answering, memory stays bounded (pixels are 12 KB per image).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderImportReport, ProjectState, TrainSettings } from '../../src-main/contract.js';
import { DEFAULT_SETTINGS } from '../../src-main/contract.js';
import { chromiumMissing, type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { rgbPng } from '../helpers/make-images.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { type RunningWebServer, startWebServer } from '../helpers/web-server.js';

const IMAGES = Number(process.env.CATNET_LOAD_IMAGES ?? 20_000);

if (chromiumMissing) console.warn(chromiumMissing);

/** A 64x64 RGB PNG written by hand (fast: 20,000 in a few seconds): warm or cool, varied per index. */
function png(warm: boolean, index: number): Buffer {
  const rows: Buffer[] = [];
  let s = (index * 2654435761) >>> 0 || 1;
  for (let y = 0; y < 64; y++) {
    const row = Buffer.alloc(1 + 64 * 3);
    for (let x = 0; x < 64; x++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const noise = (s >>> 0) % 40;
      const g = ((x + y + index) % 64) * 2;
      row[1 + x * 3] = warm ? 180 + (noise % 60) : 20 + noise;
      row[2 + x * 3] = 60 + g;
      row[3 + x * 3] = warm ? 30 + noise : 170 + (noise % 60);
    }
    rows.push(row);
  }
  return rgbPng(64, 64, deflateSync(Buffer.concat(rows), { level: 1 }));
}

function rssMb(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

describe.skipIf(chromiumMissing !== null)(`load: ${IMAGES} images, import and training with the UI open`, () => {
  let root: string;
  let server: RunningWebServer;
  let browser: LaunchedChromium;
  let page: Page;
  const folders = { positive: '', negative: '' };

  const api = async <T>(method: string, args: unknown[]): Promise<{ value: T; ms: number }> => {
    const t0 = performance.now();
    // A fresh connection per call (agent: false): no keep-alive reuse race can pass for a server fault.
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/api/${method}`,
          method: 'POST',
          agent: false,
          headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(body));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(args));
    });
    const r = JSON.parse(text) as { ok?: T; error?: string };
    if (r.error !== undefined) throw new Error(`${method}: ${r.error}`);
    return { value: r.ok as T, ms: performance.now() - t0 };
  };

  /** Runs `task` while sampling server RSS and API latency every 250 ms and the page's timer lateness. */
  async function watched<T>(what: string, task: () => Promise<T>) {
    await page.evaluate(() => {
      const g = globalThis as unknown as { __late: number; __probe: unknown; setInterval: typeof setInterval };
      g.__late = 0;
      let last = performance.now();
      g.__probe = g.setInterval(() => {
        const now = performance.now();
        g.__late = Math.max(g.__late, now - last - 50);
        last = now;
      }, 50);
    });
    let peakRss = 0;
    const t0 = performance.now();
    /** API probes slower than 500 ms, with when they started (seconds into the task). */
    const slow: string[] = [];
    let maxApiMs = 0;
    const apiErrors: string[] = [];
    let stop = false;
    const sampler = (async () => {
      while (!stop) {
        peakRss = Math.max(peakRss, rssMb(server.child.pid!));
        try {
          const started = performance.now();
          const { ms } = await api('engineInfo', []);
          maxApiMs = Math.max(maxApiMs, ms);
          if (ms > 500) slow.push(`${Math.round(ms)} ms at +${((started - t0) / 1000).toFixed(1)} s`);
        } catch (error) {
          apiErrors.push((error as Error).message);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    let value: T;
    try {
      value = await task();
    } catch (error) {
      const exit = server.child.exitCode ?? server.child.signalCode;
      throw new Error(
        `${what} failed: ${(error as Error).message} (${(error as Error).cause ?? ''}); server ${exit === null ? 'running' : `exited: ${exit}`}; server stderr: ${server.stderr().slice(-2000)}`,
      );
    } finally {
      stop = true;
      await sampler.catch(() => undefined);
    }
    const seconds = (performance.now() - t0) / 1000;
    const page_ = await page.evaluate(() => {
      const g = globalThis as unknown as {
        __late: number;
        __probe: number;
        clearInterval(id: number): void;
        performance: { memory?: { usedJSHeapSize: number } };
      };
      g.clearInterval(g.__probe);
      return { late: g.__late, heapMb: (g.performance.memory?.usedJSHeapSize ?? 0) / 1048576 };
    });
    const figures = {
      seconds: Number(seconds.toFixed(1)),
      pageMaxTimerLateMs: Math.round(page_.late),
      pageHeapMb: Math.round(page_.heapMb),
      apiMaxMs: Math.round(maxApiMs),
      serverPeakRssMb: Math.round(peakRss),
      apiErrors: apiErrors.length,
      slowProbes: slow.slice(0, 10),
    };
    console.info(`load ${what}: ${JSON.stringify(figures)}${apiErrors.length ? ` first error: ${apiErrors[0]}` : ''}`);
    expect(apiErrors).toEqual([]);
    return { value, figures };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'catnet-load-'));
    const t0 = performance.now();
    for (const [key, warm] of [
      ['positive', true],
      ['negative', false],
    ] as const) {
      const dir = join(root, key);
      mkdirSync(dir);
      for (let i = 0; i < IMAGES / 2; i++)
        writeFileSync(join(dir, `${key}-${i}.png`), png(warm, warm ? i : i + IMAGES));
      folders[key] = dir;
    }
    console.info(`load: generated ${IMAGES} PNGs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await ensureRendererBuilt();
    server = await startWebServer({ userData: join(root, 'user-data') });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(server.url);
    await page.getByTestId('engine-info').waitFor({ timeout: 30_000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('imports both folders: every image accepted, the page and the API stay responsive, memory bounded', async () => {
    const { value, figures } = await watched('import', async () => {
      const a = await api<FolderImportReport>('addFolder', ['train-positive', folders.positive]);
      const b = await api<FolderImportReport>('addFolder', ['train-negative', folders.negative]);
      return [a.value, b.value];
    });
    expect(value.map((r) => r.accepted)).toEqual([IMAGES / 2, IMAGES / 2]);
    expect(value.flatMap((r) => r.skipped)).toEqual([]);
    // The UI got the counts through its event stream.
    await expect
      .poll(() => page.getByTestId('count-train-positive').textContent(), { timeout: 20_000 })
      .toContain((IMAGES / 2).toLocaleString('en').slice(0, 2));
    expect(figures.pageMaxTimerLateMs).toBeLessThan(2000);
    expect(figures.apiMaxMs).toBeLessThan(5000);
    expect(figures.serverPeakRssMb).toBeLessThan(2500);
  }, 240_000);

  it('trains on them (mini-batch, 2 epochs): done, the page and API responsive, memory bounded', async () => {
    const settings: TrainSettings = {
      ...DEFAULT_SETTINGS,
      hiddenLayers: [20, 7, 5],
      batchSize: 256,
      iterations: 2,
      optimizer: 'adam',
      learningRate: 0.001,
      validationFraction: 0.1,
    };
    const { value, figures } = await watched('training', async () => {
      const before = (await api<ProjectState>('getProject', [])).value.history.length;
      const t = performance.now();
      const start = await api('startTraining', [settings]);
      console.info(`load: startTraining answered in ${Math.round(start.ms)} ms`);
      for (;;) {
        const state = (await api<ProjectState>('getProject', [])).value;
        if (state.history.length > before) {
          console.info(`load: training recorded after ${((performance.now() - t) / 1000).toFixed(1)} s`);
          return state;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    expect(value.history.at(-1)).toMatchObject({ stopped: 'completed' });
    expect(value.history.at(-1)!.trainAccuracy).toBeGreaterThan(0.9); // warm vs cool is easy
    expect(value.model).not.toBeNull();
    expect(figures.pageMaxTimerLateMs).toBeLessThan(2000);
    expect(figures.apiMaxMs).toBeLessThan(5000);
    expect(figures.serverPeakRssMb).toBeLessThan(3000);
    expect(figures.pageHeapMb).toBeLessThan(300);
  }, 240_000);

  it('a stop during full-batch training on all of them ends the run promptly and keeps a model', async () => {
    const settings: TrainSettings = { ...DEFAULT_SETTINGS, hiddenLayers: [20, 7, 5], batchSize: 0, iterations: 500 };
    const before = (await api<ProjectState>('getProject', [])).value.history.length;
    await api('startTraining', [settings]);
    await new Promise((r) => setTimeout(r, 4000));
    const stoppedAt = performance.now();
    await api('stopTraining', []);
    let state: ProjectState;
    for (;;) {
      state = (await api<ProjectState>('getProject', [])).value;
      if (state.history.length > before) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - stoppedAt) / 1000;
    const run = state.history.at(-1)!;
    console.info(
      `load: full-batch stop -> run recorded in ${seconds.toFixed(2)} s (${run.stopped} after ${run.iterations} iterations)`,
    );
    expect(run.stopped).toBe('cancelled');
    expect(state.model).not.toBeNull();
    expect(seconds).toBeLessThan(10);
  }, 240_000);
});
