// The project as a whole: engine line, state, class names, settings; several projects (New, Open,
// Save as, the list); the demo set.

import type { FolderImportReport } from '../contract.js';
import { DEMO_CLASS_NAMES, writeDemoImages } from '../services/demo.js';
import { engineInfo } from '../services/engine.js';
import { emptyProject } from '../services/project.js';
import type { HandlerGroup, Session } from '../session.js';

type ProjectMethods =
  | 'engineInfo'
  | 'getProject'
  | 'newProject'
  | 'setClassNames'
  | 'updateSettings'
  | 'createDemo'
  | 'listProjects'
  | 'saveProjectAs'
  | 'openProject';

/** True when the open project holds anything worth keeping. */
function hasWork(s: Session): boolean {
  return s.saved.folders.length > 0 || s.saved.model !== null || s.saved.history.length > 0;
}

/**
 * Puts the open project on the shelf before another replaces it; a project never named but holding
 * work is kept as "Untitled <date>". Returns the sentence to tell the user, if any.
 */
async function keepOpenProject(s: Session, doing: string): Promise<string | undefined> {
  if (s.training.busy) throw new Error(`Stop the training before ${doing}`);
  if (s.batch.busy) throw new Error(`Stop classifying the folder before ${doing}`);
  if (!s.saved.name && !hasWork(s)) return undefined;
  let told: string | undefined;
  if (!s.saved.name) {
    const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
    s.saved.name = await s.shelf.freeName(`Untitled ${stamp}`);
    told = `The previous project was kept as '${s.saved.name}' (Open… lists it).`;
  }
  await s.changed();
  await s.shelf.put(s.saved, s.models.lastModelPath);
  return told;
}

export function projectHandlers(s: Session): HandlerGroup<ProjectMethods> {
  return {
    engineInfo: async () => engineInfo(s.transport),
    getProject: async () => s.projectState(),
    newProject: async () => {
      const told = await keepOpenProject(s, 'starting a new project');
      s.reset(emptyProject());
      if (told) s.notify(told);
      return s.changed();
    },
    listProjects: () => s.shelf.list(),
    saveProjectAs: async (name) => {
      if (name !== s.saved.name && (await s.shelf.has(name)))
        throw new Error(`A project named '${name}' exists already: choose another name, or open it`);
      s.saved.name = name;
      await s.changed();
      await s.shelf.put(s.saved, s.models.lastModelPath);
      return s.projectState();
    },
    openProject: async (name) => {
      if (name === s.saved.name) return s.projectState();
      if (!(await s.shelf.has(name))) throw new Error(`There is no project named '${name}' (see the list under Open…)`);
      const told = await keepOpenProject(s, 'opening another project');
      const project = await s.shelf.take(name, s.models.lastModelPath);
      const state = await s.reopen(project);
      if (!told) return state;
      s.notify(told);
      return s.projectState();
    },
    setClassNames: async (names) => {
      s.saved.classNames = [names[0], names[1]];
      return s.changed();
    },
    updateSettings: async (settings) => {
      s.saved.settings = settings;
      return s.changed();
    },
    createDemo: async () => {
      const told = await keepOpenProject(s, 'creating the demo project');
      const folders = await writeDemoImages(s.userData);
      s.reset({ ...emptyProject(), settings: s.saved.settings, classNames: DEMO_CLASS_NAMES });
      if (told) s.notify(told);
      for (const [role, folder] of [
        ['train-positive', folders.positive],
        ['train-negative', folders.negative],
      ] as const) {
        const report: FolderImportReport = await s.library.addFolder(role, folder, {
          ...s.importHooks(),
          classNames: DEMO_CLASS_NAMES,
        });
        s.events.emit({ type: 'import-done', report });
      }
      return s.changed();
    },
  };
}
