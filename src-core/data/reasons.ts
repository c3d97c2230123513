// Why a file was not imported: one code per cause, and the error that carries it.
// The codes are stable (reports, cache, UI); the messages are for people.

export type RejectReason =
  | 'empty'
  | 'not-an-image'
  | 'unsupported-format'
  | 'corrupt'
  | 'too-many-pixels'
  | 'too-large'
  | 'permission-denied'
  | 'vanished'
  | 'symlink-outside'
  | 'link-inside'
  | 'broken-link'
  | 'not-a-file'
  | 'unreadable';

/** One-line description of each code, for summaries ("12 not an image"). */
export const REASON_LABELS: Record<RejectReason, string> = {
  empty: 'empty file',
  'not-an-image': 'not an image',
  'unsupported-format': 'unsupported format',
  corrupt: 'corrupt or truncated',
  'too-many-pixels': 'too many pixels',
  'too-large': 'file too large',
  'permission-denied': 'permission denied',
  vanished: 'vanished during the import',
  'symlink-outside': 'symlink to outside the folder',
  'link-inside': 'symlink to something already in the folder',
  'broken-link': 'broken or looping symlink',
  'not-a-file': 'not a regular file',
  unreadable: 'unreadable',
};

/** Reasons that depend only on the file's bytes, so a cached verdict stays true while size and mtime do. */
export const CONTENT_REASONS: ReadonlySet<RejectReason> = new Set<RejectReason>([
  'empty',
  'not-an-image',
  'unsupported-format',
  'corrupt',
  'too-many-pixels',
  'too-large',
]);

/** A file that cannot become a training vector; `.reason` says why, `.message` says it to a person. */
export class ImageRejected extends Error {
  readonly reason: RejectReason;
  /** Size and mtime of the file judged, when it was opened (lets the verdict be cached). */
  file?: { size: number; mtimeMs: number };
  /** The verdict depends on more than the file (the decode budget): never cached. */
  uncacheable?: boolean;
  constructor(reason: RejectReason, message: string) {
    super(message);
    this.name = 'ImageRejected';
    this.reason = reason;
  }
}

/** Maps a Node file-system error (by `code`) to a reason, or undefined for errors that are not about the file. */
export function reasonForFsError(err: unknown): RejectReason | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'vanished';
    case 'EACCES':
    case 'EPERM':
      return 'permission-denied';
    case 'ELOOP':
      return 'broken-link';
    case 'EISDIR':
    case 'ENXIO':
    case 'ENODEV':
      return 'not-a-file';
    case 'EIO':
    case 'ENAMETOOLONG':
    case 'EMFILE':
    case 'ENFILE':
    case 'EBUSY':
    case 'EAGAIN':
    case 'EINVAL':
      return 'unreadable';
    default:
      return undefined;
  }
}

/** Human sentence for a file-system error on `what` (a path). */
export function fsErrorMessage(reason: RejectReason, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  switch (reason) {
    case 'vanished':
      return 'the file disappeared while importing (deleted or moved)';
    case 'permission-denied':
      return `no permission to read it (${code}); check the file's permissions`;
    case 'broken-link':
      return `a symlink that loops or points nowhere (${code})`;
    case 'not-a-file':
      return 'not a regular file';
    default:
      return `cannot read it (${code}: ${(err as Error | undefined)?.message ?? 'unknown error'})`;
  }
}
