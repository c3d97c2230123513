// Browser mode entry (`npm run web`): the same back end as the Electron app, served to a browser on
// 127.0.0.1. Prints exactly one line to stdout, the URL with its token; everything else goes to stderr.
// CATNET_PORT picks the port (0 = any free one; default 5170, or any free port when 5170 is taken);
// CATNET_USER_DATA picks the user-data folder.

import '../src-core/thread-pool-size.js'; // first: sizes libuv's thread pool before anything uses it
import { distFile } from '../src-core/paths.js';
import { Backend } from './backend.js';
import { defaultUserDataDir } from './user-data.js';
import { startWebServer, type WebServer } from './web-server.js';

const DEFAULT_PORT = 5170;

async function listen(backend: Backend): Promise<WebServer> {
  const rendererDir = distFile('renderer');
  const fromEnv = process.env.CATNET_PORT;
  if (fromEnv !== undefined && fromEnv !== '') {
    const port = Number(fromEnv);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`CATNET_PORT must be a port number from 0 to 65535, not '${fromEnv}'`);
    return startWebServer({ backend, rendererDir, port });
  }
  try {
    return await startWebServer({ backend, rendererDir, port: DEFAULT_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startWebServer({ backend, rendererDir, port: 0 });
  }
}

async function main(): Promise<void> {
  const userData = defaultUserDataDir();
  const backend = await Backend.create({ userData, transport: 'browser' });
  const server = await listen(backend);
  process.stdout.write(`catnet browser mode: ${server.url}\n`);
  console.error(`catnet: user data in ${userData}; press Ctrl+C to stop`);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.error(`catnet: ${signal}, stopping`);
    await server.close();
    await backend.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`catnet browser mode could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
