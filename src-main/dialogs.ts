// Native dialogs for the methods that take an optional path (Electron only; browser mode passes paths).

import { type BrowserWindow, dialog } from 'electron';
import type { Role } from './contract.js';
import type { Dialogs } from './session.js';

const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'tif', 'tiff', 'avif', 'bmp'];

export function electronDialogs(getWindow: () => BrowserWindow | null): Dialogs {
  const open = async (options: Electron.OpenDialogOptions): Promise<string | null> => {
    const win = getWindow();
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  return {
    chooseFolder: (role: Role) => open({ title: `Choose a folder of ${role} images`, properties: ['openDirectory'] }),
    chooseFolderToClassify: () =>
      open({ title: 'Choose a folder of images to classify', properties: ['openDirectory'] }),
    chooseImage: () =>
      open({
        title: 'Choose an image to classify',
        properties: ['openFile'],
        filters: [{ name: 'Images', extensions: IMAGE_EXTENSIONS }],
      }),
    chooseModelToOpen: () =>
      open({
        title: 'Open a catnet model',
        properties: ['openFile'],
        filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
      }),
    chooseExportPath: async (defaultName: string) => {
      const win = getWindow();
      const options: Electron.SaveDialogOptions = {
        title: 'Export the model as ONNX',
        defaultPath: defaultName,
        filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
      };
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
