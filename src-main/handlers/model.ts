// The model file: export the current model as .onnx, open an .onnx as the current model.

import { modelInfo } from '../services/model.js';
import type { HandlerGroup, Session } from '../session.js';
import { needPath } from '../session.js';

export function modelHandlers(s: Session): HandlerGroup<'exportModel' | 'openModel'> {
  return {
    exportModel: async (path) => {
      s.models.require();
      const defaultName = `${s.saved.classNames[0].replace(/[^\w.-]+/g, '-')}-classifier.onnx`;
      const target = path ?? (s.dialogs ? await s.dialogs.chooseExportPath(defaultName) : needPath('To export'));
      if (target === null) return null;
      return s.models.exportTo(target, s.sample());
    },
    openModel: async (path) => {
      const file = path ?? (s.dialogs ? await s.dialogs.chooseModelToOpen() : needPath('To open a model'));
      if (file === null) return null;
      const model = await s.models.open(file);
      const info = modelInfo(model, file);
      await s.setModel(model, info);
      s.saved.classNames = [...model.classNames];
      await s.changed();
      return info;
    },
  };
}
