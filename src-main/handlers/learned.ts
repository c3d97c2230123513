// What the current model learned: its first layer as pictures, and why it decided as it did about
// one image (saliency, CNN feature maps).

import { explainImage, learnedFeatures, vectorOfPng } from '../services/learned.js';
import type { HandlerGroup, Session } from '../session.js';

export function learnedHandlers(s: Session): HandlerGroup<'learnedFeatures' | 'explainImage'> {
  return {
    learnedFeatures: async () => (s.models.model ? learnedFeatures(s.models.model) : null),
    explainImage: async (png) => explainImage(s.models.require(), await vectorOfPng(png)),
  };
}
