// Drag-and-drop on a box, shared by the class zones and the classify box: highlights while something
// is dragged over it, and hands the drop (paths in Electron, files in a browser) to `ondrop`.

import { type Dropped, readDrop } from './dropped-files.js';

export class DropTarget {
  dragging = $state(false);

  constructor(private readonly ondrop: (dropped: Dropped) => void) {}

  /** Spread onto the element: `<div {...target.handlers}>`. */
  readonly handlers = {
    ondragover: (event: DragEvent): void => {
      event.preventDefault();
      this.dragging = true;
    },
    ondragleave: (): void => {
      this.dragging = false;
    },
    ondrop: (event: DragEvent): void => {
      event.preventDefault();
      this.dragging = false;
      void readDrop(event.dataTransfer).then(this.ondrop);
    },
  };
}
