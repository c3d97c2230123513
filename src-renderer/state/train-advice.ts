// What to do about a training failure. The back end's message says what happened; this adds the
// next step in words. Pure, keyed on the message text because the event carries only text.

export function trainErrorAdvice(message: string): string {
  const m = message.toLowerCase();
  if (/continue from/.test(m))
    return 'Untick "Continue from the current model" to train these settings from scratch, or set the network to the model\'s as the message says.';
  if (/nan|inf|diverg|overflow/.test(m))
    return 'The cost blew up. Lower the learning rate (for example divide it by 10), or use the "course" or "he" initialisation, then train again.';
  if (/too (few|little)|not enough|at least|no images|empty|only \d+/.test(m))
    return 'Add more images: each class needs images in its training folder (a few dozen at least), then train again.';
  if (/worker|crash|exited|memory/.test(m))
    return 'The training process stopped unexpectedly. Try fewer hidden units or a mini-batch size (e.g. 64), then train again.';
  if (/cancel|stop/.test(m)) return 'Training was stopped. Press Train to start again.';
  return 'Check the settings above and train again. Your last good model (if any) is kept.';
}
