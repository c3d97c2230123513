// Training runs and the evaluation of the current model.

import { splitOfRole } from '../contract.js';
import { effectiveHoldout } from '../services/training.js';
import type { HandlerGroup, Session } from '../session.js';

export function trainingHandlers(s: Session): HandlerGroup<'startTraining' | 'stopTraining' | 'evaluate'> {
  return {
    startTraining: async (settings) => {
      s.saved.settings = settings;
      const started = s.training.start(settings);
      await s.store.save(s.saved);
      return started;
    },
    stopTraining: async () => s.training.stop(),
    evaluate: async (threshold) => {
      const model = s.models.model;
      if (!model) return null;
      const settings = s.training.lastRunSettings ?? s.saved.settings;
      const images = s.library.all();
      const hasTest = images.some((i) => splitOfRole(i.role) === 'test');
      const fraction = effectiveHoldout(settings, hasTest);
      return s.scores.evaluate({ model, images, fraction, seed: settings.seed }, threshold);
    },
  };
}
