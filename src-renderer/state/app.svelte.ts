// The whole UI's state: the engine line, the project as the back end last sent it, the last error,
// and one state object per section. Back-end events are dispatched here, exhaustively, once.

import type { AppEvent, CatnetApi, EngineInfo, ProjectState, Role } from '../../src-main/contract.js';
import { BatchState } from './batch.svelte.js';
import { ClassifyState } from './classify.svelte.js';
import { DataState, ROLES } from './data.svelte.js';
import { errorMessage, type Run } from './errors.js';
import { EvaluationState } from './evaluation.svelte.js';
import { LearnedState } from './learned.svelte.js';
import { ModelFileState } from './model-file.svelte.js';
import { ProjectsState } from './projects.svelte.js';
import { ThumbnailCache } from './thumbnails.svelte.js';
import { TrainingState } from './training.svelte.js';

export class AppState {
  engine = $state.raw<EngineInfo | null>(null);
  project = $state.raw<ProjectState | null>(null);
  /** The last failed action, in words; shown in a dismissible banner. */
  error = $state<string | null>(null);
  /** One-off information (e.g. the saved project could not be read). */
  notice = $state<string | null>(null);
  ready = $state(false);

  readonly thumbs: ThumbnailCache;
  readonly data: DataState;
  readonly training: TrainingState;
  readonly evaluation: EvaluationState;
  readonly classify: ClassifyState;
  readonly batch: BatchState;
  readonly modelFile: ModelFileState;
  readonly projects: ProjectsState;
  readonly learned: LearnedState;

  readonly classNames = $derived<[string, string]>(this.project?.classNames ?? ['Cat', 'Not cat']);
  readonly browserMode = $derived(this.engine?.transport !== 'electron');

  constructor(readonly api: CatnetApi) {
    this.thumbs = new ThumbnailCache((ids) => api.thumbnails(ids));
    this.data = new DataState(this);
    const run: Run = (what, call) => this.run(what, call);
    this.training = new TrainingState(api, run, () => this.project?.model != null);
    this.evaluation = new EvaluationState(api, run);
    this.classify = new ClassifyState(api);
    this.batch = new BatchState(api);
    this.modelFile = new ModelFileState(api, run, () => this.modelOpened());
    this.learned = new LearnedState(api);
    this.projects = new ProjectsState(api, {
      run,
      switched: (project) => this.switchedTo(project),
      updated: (project) => this.setProject(project),
    });
  }

  /** Loads the engine line and the saved project, subscribes to events; returns the unsubscribe. */
  async start(): Promise<() => void> {
    const off = this.api.onEvent((event) => this.handle(event));
    await this.run('Starting catnet', async () => {
      const [engine, project, reports] = await Promise.all([
        this.api.engineInfo(),
        this.api.getProject(),
        this.api.lastImportReports(),
      ]);
      this.engine = engine;
      this.setProject(project, { replaceSettings: true });
      this.data.reports = reports;
      if (project.notice) this.notice = project.notice;
      if (project.model) void this.evaluation.refresh();
    });
    this.ready = true;
    return off;
  }

  handle(event: AppEvent): void {
    switch (event.type) {
      case 'import-progress':
        this.data.onProgress(event);
        return;
      case 'import-done':
        this.data.onImportDone(event.report);
        return;
      case 'train-progress':
        this.training.onProgress(event);
        return;
      case 'train-done':
        this.training.onDone(event.run, event.costs);
        void this.refreshProject().then(() => this.evaluation.refresh());
        return;
      case 'train-error':
        this.training.onError(event.code, event.message, event.keptModel);
        return;
      case 'batch-progress':
        this.batch.onProgress(event);
        return;
      case 'project':
        this.setProject(event.project);
        return;
      default: {
        const never: never = event;
        console.warn('catnet: unknown event', never);
      }
    }
  }

  /** Takes a new project snapshot; grids reload the roles whose images (or probabilities) changed. */
  setProject(project: ProjectState, { replaceSettings = false } = {}): void {
    const before = this.project;
    this.project = project;
    if (replaceSettings) this.training.load(project.settings);
    const modelChanged = !before || JSON.stringify(before.model) !== JSON.stringify(project.model);
    const roleKey = (p: ProjectState, role: Role): string =>
      JSON.stringify([p.counts[role], p.folders.filter((f) => f.role === role)]);
    const changed = ROLES.filter((role) => modelChanged || !before || roleKey(before, role) !== roleKey(project, role));
    if (changed.length > 0) this.data.imagesChanged(changed);
    // The metrics describe the images: evaluate again when they change under an existing model.
    if (before && project.model && changed.length > 0 && !modelChanged) void this.evaluation.refresh();
  }

  async refreshProject(): Promise<void> {
    const project = await this.run('Reading the project', () => this.api.getProject());
    if (project) this.setProject(project);
  }

  /** Another project is open (New, Open…): every section starts over from it. */
  switchedTo(project: ProjectState): void {
    this.thumbs.clear();
    this.data.reports = [];
    this.training.reset();
    this.evaluation.reset();
    this.classify.reset();
    this.batch.reset();
    this.modelFile.reset();
    this.learned.reset();
    this.setProject(project, { replaceSettings: true });
    this.data.imagesChanged();
    this.notice = project.notice ?? null;
    void this.api.lastImportReports().then(
      (reports) => {
        this.data.reports = reports;
      },
      () => undefined,
    );
    if (project.model) void this.evaluation.refresh();
  }

  /** Another model is current: read the project, evaluate, classify the last grid image again. */
  private async modelOpened(): Promise<void> {
    await this.refreshProject();
    void this.evaluation.refresh();
    const id = this.classify.lastImageId;
    if (id !== null) await this.classify.image(id, this.classify.subject);
  }

  /** Runs an API call; on failure shows "<what>: <message>" and returns undefined. */
  async run<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await call();
      return result;
    } catch (err) {
      this.error = `${what} failed: ${errorMessage(err)}`;
      return undefined;
    }
  }
}
