// Paths that arrive from the front end must be absolute: a relative one would resolve against the
// server process's working folder (browser mode), not anywhere the user chose.

import { isAbsolute } from 'node:path';

/**
 * Throws a person-readable error for a relative `path`. `what` names the expected file ("the .onnx
 * file"), `example` is a full path of that kind ("/home/me/cats.onnx").
 */
export function requireFullPath(path: string, what: string, example: string): void {
  if (!isAbsolute(path))
    throw new Error(`'${path}' is not a full path: give the whole path of ${what}, e.g. ${example}`);
}
