// Types of scripts/electron-binary.mjs for the TypeScript tests.
export function electronPackageDir(): string | null;
export function findElectron(env?: Record<string, string | undefined>): { path: string } | { missing: string };
