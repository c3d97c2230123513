// The Content-Security-Policy of the renderer, declared once: Electron sets it as a response header
// on its session, browser mode sends it with every file, and src-renderer/index.html repeats it in a
// meta tag (file:// responses carry no headers). Inline scripts and eval are never allowed.

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'";
