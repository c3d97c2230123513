// Several projects from the header: the list (Open…), Save as…, New. Opening or starting a project
// keeps the open one in the list first (the back end does); the host then resets every section.

import type { CatnetApi, ProjectState, ProjectSummary } from '../../src-main/contract.js';

export interface ProjectsHost {
  run<T>(what: string, call: () => Promise<T>): Promise<T | undefined>;
  /** Another project is open now: every section starts over from it. */
  switched(project: ProjectState): void;
  /** The open project changed (e.g. it got a name). */
  updated(project: ProjectState): void;
}

export class ProjectsState {
  list = $state.raw<ProjectSummary[]>([]);
  panel = $state<'open' | 'save' | null>(null);
  saveName = $state('');
  busy = $state(false);

  constructor(
    private readonly api: CatnetApi,
    private readonly host: ProjectsHost,
  ) {}

  async showOpen(): Promise<void> {
    this.panel = 'open';
    const list = await this.host.run('Listing the projects', () => this.api.listProjects());
    if (list) this.list = list;
  }

  showSave(current: string | undefined): void {
    this.saveName = current ?? '';
    this.panel = 'save';
  }

  close(): void {
    this.panel = null;
  }

  async saveAs(): Promise<void> {
    const name = this.saveName.trim();
    if (!name) return;
    await this.#busy(async () => {
      const project = await this.host.run('Saving the project', () => this.api.saveProjectAs(name));
      if (!project) return;
      this.host.updated(project);
      this.panel = null;
    });
  }

  async open(name: string): Promise<void> {
    await this.#busy(async () => {
      const project = await this.host.run(`Opening '${name}'`, () => this.api.openProject(name));
      if (!project) return;
      this.panel = null;
      this.host.switched(project);
    });
  }

  async newProject(): Promise<void> {
    await this.#busy(async () => {
      const project = await this.host.run('Starting a new project', () => this.api.newProject());
      if (project) this.host.switched(project);
    });
  }

  async #busy(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await work();
    } finally {
      this.busy = false;
    }
  }
}
