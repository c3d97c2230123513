// Section 1, Data: the image folders of each role, import progress and reports, class names, and
// the per-role image grids.

import { type AppEvent, type FolderImportReport, Role } from '../../src-main/contract.js';
import type { AppState } from './app.svelte.js';
import type { PickedGroup } from './dropped-files.js';
import { ImageGridState } from './image-grid.svelte.js';
import { type UploadProgress, uploadGroup } from './upload.js';

type ImportProgress = Extract<AppEvent, { type: 'import-progress' }>;

/** The four roles, in the contract's order. */
export const ROLES: readonly Role[] = Role.options;

export class DataState {
  reports = $state.raw<FolderImportReport[]>([]);
  progress = $state<Partial<Record<Role, ImportProgress>>>({});
  busy = $state<Partial<Record<Role, boolean>>>({});
  /** A folder being sent from the browser, per role (then the import's progress takes over). */
  uploading = $state<Partial<Record<Role, UploadProgress & { name: string }>>>({});
  #uploads: Partial<Record<Role, AbortController>> = {};
  demoBusy = $state(false);
  #pendingNames: [string, string] | null = null;
  readonly grids: Record<Role, ImageGridState>;

  constructor(private readonly app: AppState) {
    this.grids = {
      'train-positive': new ImageGridState(app.api, 'train-positive'),
      'train-negative': new ImageGridState(app.api, 'train-negative'),
      'test-positive': new ImageGridState(app.api, 'test-positive'),
      'test-negative': new ImageGridState(app.api, 'test-negative'),
    };
  }

  count(role: Role): number {
    return this.app.project?.counts[role] ?? 0;
  }

  folders(role: Role) {
    return (this.app.project?.folders ?? []).filter((f) => f.role === role);
  }

  /** Imports a folder; no path = native folder dialog (Electron only). */
  async addFolder(role: Role, path?: string): Promise<boolean> {
    this.busy[role] = true;
    try {
      const report = await this.app.run('Adding the folder', () => this.app.api.addFolder(role, path));
      if (report) this.onImportDone(report);
      await this.app.refreshProject();
      return report !== undefined && report !== null;
    } finally {
      this.busy[role] = false;
      delete this.progress[role];
    }
  }

  /** Browser mode: uploads a picked folder (or loose files) and imports it like a folder on disk. */
  async uploadFolder(role: Role, group: PickedGroup): Promise<boolean> {
    if (this.busy[role]) return false;
    const controller = new AbortController();
    this.#uploads[role] = controller;
    this.busy[role] = true;
    try {
      const report = await this.app.run(`Uploading '${group.name}'`, async () => {
        const id = await uploadGroup(this.app.api, group, {
          signal: controller.signal,
          onProgress: (p) => {
            this.uploading[role] = { ...p, name: group.name };
          },
        });
        delete this.uploading[role];
        return this.app.api.addUploadedFolder(role, id);
      });
      if (report) this.onImportDone(report);
      await this.app.refreshProject();
      return report != null;
    } finally {
      delete this.#uploads[role];
      delete this.uploading[role];
      this.busy[role] = false;
      delete this.progress[role];
    }
  }

  /** Stops the upload (what arrived is deleted) or the import running for `role`; nothing is added. */
  cancel(role: Role): void {
    if (this.uploading[role]) this.#uploads[role]?.abort();
    else void this.app.api.cancelImport(role).catch(() => undefined);
  }

  async removeFolder(role: Role, path: string): Promise<void> {
    const project = await this.app.run('Removing the folder', () => this.app.api.removeFolder(role, path));
    if (!project) return;
    this.reports = this.reports.filter((r) => !(r.role === role && r.folder === path));
    this.app.setProject(project);
  }

  async removeImage(id: number): Promise<void> {
    const project = await this.app.run('Removing the image', () => this.app.api.removeImage(id));
    if (project) this.app.setProject(project);
  }

  /** Renames one class. Builds on names still in flight, so two quick renames do not undo each other. */
  async setClassName(index: 0 | 1, name: string): Promise<void> {
    const names: [string, string] = [...(this.#pendingNames ?? this.app.classNames)];
    names[index] = name;
    this.#pendingNames = names;
    const project = await this.app.run('Renaming the classes', () => this.app.api.setClassNames(names));
    if (this.#pendingNames === names) this.#pendingNames = null;
    if (project) this.app.setProject(project);
  }

  async createDemo(): Promise<void> {
    this.demoBusy = true;
    try {
      const project = await this.app.run('Creating the demo', () => this.app.api.createDemo());
      if (!project) return;
      this.app.setProject(project, { replaceSettings: true });
      if (project.notice) this.app.notice = project.notice;
      const reports = await this.app.run('Reading the import reports', () => this.app.api.lastImportReports());
      if (reports) this.reports = reports;
    } finally {
      this.demoBusy = false;
    }
  }

  onProgress(event: ImportProgress): void {
    this.progress[event.role] = event;
  }

  /** Keeps the newest report per (role, folder). */
  onImportDone(report: FolderImportReport): void {
    this.reports = [...this.reports.filter((r) => !(r.role === report.role && r.folder === report.folder)), report];
  }

  /** The image sets (or the model's probabilities on them) of these roles changed: grids fetch again. */
  imagesChanged(roles: readonly Role[] = ROLES): void {
    for (const role of roles) this.grids[role].reset();
  }
}
