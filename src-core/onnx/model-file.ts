// The model file on disk: save = export + verify + atomic write; load = size-capped read + import.
// The only file-system code of onnx/ (export, import and verify are bytes in, bytes out).

import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { writeFileAtomic } from '../fsio/atomic.js';
import type { Model } from '../nn/model.js';
import { appVersion } from '../paths.js';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { MAX_MODEL_BYTES } from './parse.js';
import { OnnxClassifier } from './runtime.js';
import { verifyOnnx } from './verify.js';

/** Exports, checks against onnxruntime on the sample images, and only then writes `path`. */
export async function saveModel(
  path: string,
  model: Model,
  samplePixels: Uint8Array,
  m: number,
): Promise<{ path: string; bytes: number; maxDifference: number }> {
  const bytes = exportOnnx(model, { appVersion: safeAppVersion() });
  const { maxDifference } = await verifyOnnx(bytes, model, samplePixels, m);
  await writeFileAtomic(path, bytes);
  return { path, bytes: bytes.length, maxDifference };
}

/**
 * Reads a regular file of at most MAX_MODEL_BYTES; errors name the file. The size is checked on the
 * opened handle and reading stops at the cap, so a file swapped or growing meanwhile cannot exceed it.
 */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const s = await handle.stat();
    if (!s.isFile()) throw new Error('it is not a regular file');
    if (s.size > MAX_MODEL_BYTES)
      throw new Error(`it is ${s.size} bytes; catnet opens models up to ${MAX_MODEL_BYTES}`);
    const bytes = new Uint8Array(s.size);
    let filled = 0;
    while (filled < s.size) {
      const { bytesRead } = await handle.read(bytes, filled, s.size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } catch (e) {
    throw new Error(`Cannot open model ${path}: ${e instanceof Error ? e.message : String(e)}.`);
  } finally {
    await handle?.close().catch(() => {});
  }
}

export async function loadModelFile(path: string): Promise<Model> {
  return importOnnx(await readModelBytes(path), path);
}

/** The file run by onnxruntime (after the same checks as loadModelFile). */
export async function loadClassifierFile(path: string): Promise<OnnxClassifier> {
  return OnnxClassifier.create(await readModelBytes(path), path);
}

function safeAppVersion(): string {
  try {
    return appVersion();
  } catch {
    return 'unknown';
  }
}
