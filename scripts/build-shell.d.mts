import type { BuildOptions, BuildResult } from 'esbuild';

export function shellBuildOptions(root?: string): BuildOptions[];
export function buildShell(root?: string): Promise<BuildResult[]>;
