// Where an export may write. The path can come from the renderer (typed, or sent by a compromised
// page), so: the file written always ends in .onnx, and it never replaces anything but a catnet model
// (a folder, a symlink, a device, or a file another program made: ~/.bashrc.onnx, someone's model).

import { lstat, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { requireFullPath } from './full-path.js';

/** How much of an existing file is read to recognise a catnet model (its header fields come first). */
const HEADER_BYTES = 256;

/**
 * The path an export writes: `path` itself when it ends in .onnx (any case), else `path` + '.onnx'.
 * Throws, naming the path and what to do, when the target exists and is not a catnet model, or the
 * path is relative or has no file name.
 */
export async function exportTarget(path: string): Promise<string> {
  requireFullPath(path, 'the .onnx file', '/home/me/cats.onnx');
  const target = path.toLowerCase().endsWith('.onnx') ? path : `${path}.onnx`;
  if (/^\.onnx$/i.test(basename(target)) || /[\\/]$/.test(path))
    throw new Error(`'${path}' has no file name: give the file to write, e.g. /home/me/cats.onnx`);
  const existing = await lstat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new Error(`Cannot export to ${target}: ${e.message}. Choose another file.`);
  });
  if (!existing) return target;
  const what = existing.isSymbolicLink()
    ? 'a symlink'
    : existing.isDirectory()
      ? 'a folder'
      : !existing.isFile()
        ? 'not a regular file'
        : !(await isCatnetModelFile(target))
          ? 'a file that is not a catnet model'
          : '';
  if (what)
    throw new Error(
      `Not exporting to ${target}: it exists and is ${what}, which catnet never replaces. Choose a new name.`,
    );
  return target;
}

/** Whether `path` starts like a model catnet wrote: an ONNX ModelProto whose producer_name is "catnet". */
export async function isCatnetModelFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const header = new Uint8Array(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    return producerName(header.subarray(0, bytesRead)) === 'catnet';
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * ModelProto's producer_name (field 2, a string) from the top-level fields before it: ir_version (1,
 * a varint) comes first in files catnet writes. undefined when the bytes do not start that way.
 */
export function producerName(bytes: Uint8Array): string | undefined {
  let at = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 35 && at < bytes.length; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return undefined;
  };
  while (at < bytes.length) {
    const tag = varint();
    if (tag === undefined) return undefined;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 0) {
      if (varint() === undefined) return undefined;
    } else if (field === 2 && wire === 2) {
      const length = varint();
      if (length === undefined || length > 64 || at + length > bytes.length) return undefined;
      return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(at, at + length));
    } else return undefined;
  }
  return undefined;
}
