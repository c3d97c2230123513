// Types of scripts/electron-binary.mjs for the TypeScript tests.
export function electronPackageDir(): string | null;
export function findElectron(): { path: string } | { missing: string };
