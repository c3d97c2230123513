// The project as a whole: engine line, state, class names, settings, new project, the demo set.

import type { FolderImportReport } from '../contract.js';
import { DEMO_CLASS_NAMES, writeDemoImages } from '../services/demo.js';
import { engineInfo } from '../services/engine.js';
import { emptyProject } from '../services/project.js';
import type { HandlerGroup, Session } from '../session.js';

type ProjectMethods = 'engineInfo' | 'getProject' | 'newProject' | 'setClassNames' | 'updateSettings' | 'createDemo';

export function projectHandlers(s: Session): HandlerGroup<ProjectMethods> {
  return {
    engineInfo: async () => engineInfo(s.transport),
    getProject: async () => s.projectState(),
    newProject: async () => {
      if (s.training.busy) throw new Error('Stop the training before starting a new project');
      s.reset(emptyProject());
      return s.changed();
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
      if (s.training.busy) throw new Error('Stop the training before creating the demo project');
      const folders = await writeDemoImages(s.userData);
      s.reset({ ...emptyProject(), settings: s.saved.settings, classNames: DEMO_CLASS_NAMES });
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
