// Section 1, Data: the image folders of each role, import progress and reports, class names, and
// the per-role image grids.

import { type AppEvent, type FolderImportReport, Role } from '../../src-main/contract.js';
import type { AppState } from './app.svelte.js';
import { ImageGridState } from './image-grid.svelte.js';

type ImportProgress = Extract<AppEvent, { type: 'import-progress' }>;

/** The four roles, in the contract's order. */
export const ROLES: readonly Role[] = Role.options;

export class DataState {
  reports = $state.raw<FolderImportReport[]>([]);
  progress = $state<Partial<Record<Role, ImportProgress>>>({});
  busy = $state<Partial<Record<Role, boolean>>>({});
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
