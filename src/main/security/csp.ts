// The renderer's CSP and file resolution are shared with the dev bridge, which may not import src/main.
export { RENDERER_CSP, RENDERER_SECURITY_HEADERS, contentTypeFor, resolveRendererFile } from '../../devbridge/renderer-files.js';
