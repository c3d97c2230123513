// Where catnet keeps its per-user files (project.json, import cache, demo images, last model).
// CATNET_USER_DATA overrides it (tests, portable use). Otherwise the same folder Electron's
// app.getPath('userData') gives for an app named "catnet", so both transports share one project.

import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CATNET_USER_DATA) return env.CATNET_USER_DATA;
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'catnet');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'catnet');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'catnet');
}
